using System.CommandLine;
using System.Globalization;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Evaluation;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>
/// `msp eval METHOD --run DIR`: evaluations of a trained run folder, one subcommand per method, each writing
/// eval.json, eval.csv and eval.png into the run's eval/METHOD folder.
/// </summary>
public static class EvalCommand
{
    /// <summary>Sequences per batch of the equivariance error: the reference notebook's bsize.</summary>
    public const int EquivarianceBatchSize = 32;

    internal sealed record PredictOptions(string Run, int? Horizon, int? Sequences, DeviceKind Accelerator, string? DataRoot = null);

    internal sealed record EquivarianceOptions(string Run, int? Horizon, int? Batches, DeviceKind Accelerator, string? DataRoot = null);

    /// <summary>Held-out sequences per factor in the disentanglement analysis after `eval sbd`.</summary>
    private const int SequencesPerFactor = 256;

    internal sealed record SbdCommandOptions(string Run, int Sequences, int Epochs, ulong? Seed, int Restarts, double Threshold, DeviceKind Accelerator,
        string? DataRoot = null);

    public static Command Build()
    {
        var command = new Command("eval", "Evaluate a trained run folder (one subcommand per method).");
        command.Subcommands.Add(BuildPredict());
        command.Subcommands.Add(BuildEquivariance());
        command.Subcommands.Add(BuildSbd());
        return command;
    }

    private static Command BuildPredict()
    {
        var run = RunOption();
        var horizon = HorizonOption();
        var sequences = new Option<string>("--sequences") { Description = "Held-out sequences to evaluate: a number or all.", DefaultValueFactory = _ => "all" };
        var accelerator = AcceleratorOption();
        var dataRoot = DataRootOption();
        var command = new Command("predict", "Prediction error per horizon on held-out sequences, against repeating the last frame and a black frame.")
        {
            run, horizon, sequences, accelerator, dataRoot,
        };
        command.SetAction(parse => CliErrors.Run(() => Predict(new PredictOptions(parse.GetValue(run)!, parse.GetValue(horizon),
            ParseSequences(parse.GetValue(sequences)!), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(dataRoot)), Console.Out)));
        return command;
    }

    private static Command BuildEquivariance()
    {
        var run = RunOption();
        var horizon = HorizonOption();
        var batches = new Option<int?>("--batches") { Description = $"Batches of {EquivarianceBatchSize} sequences sharing a transition (default: enough to cover the held-out digits once)." };
        var accelerator = AcceleratorOption();
        var dataRoot = DataRootOption();
        var command = new Command("equivariance", "The equivariance error: prediction error with each sequence's own M* and with M* swapped between sequences that share a transition.")
        {
            run, horizon, batches, accelerator, dataRoot,
        };
        command.SetAction(parse => CliErrors.Run(() => Equivariance(new EquivarianceOptions(parse.GetValue(run)!, parse.GetValue(horizon),
            parse.GetValue(batches), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(dataRoot)), Console.Out)));
        return command;
    }

    internal static int Predict(PredictOptions options, TextWriter console)
    {
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device, options.DataRoot);
        var eval = run.Config.Eval;
        int horizon = CheckHorizon(options.Horizon ?? eval.Horizon);
        var testData = run.TestData(eval.ConditioningFrames + horizon);
        if (options.Sequences is int sequences && sequences > testData.Count)
            throw new UsageException($"--sequences {sequences}: the held-out data has only {testData.Count} sequences; give at most that, or all.");
        console.WriteLine($"msp eval predict: {run.Directory} on {device.Name}; {options.Sequences ?? testData.Count} held-out sequences, " +
                          $"{eval.ConditioningFrames} conditioning frames, horizon {horizon}");
        var report = HorizonEvaluation.Run(run.Model, testData, eval.ConditioningFrames, eval.BatchSize, EvaluationSeed(run.Config), device, options.Sequences);
        string folder = run.OutputFolder("predict");
        EvaluationOutput.Write(folder, report);
        EvaluationOutput.Print(report, console);
        console.WriteLine($"Wrote eval.json, eval.csv and eval.png to {folder}");
        return 0;
    }

    internal static int Equivariance(EquivarianceOptions options, TextWriter console)
    {
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device, options.DataRoot);
        var eval = run.Config.Eval;
        int horizon = CheckHorizon(options.Horizon ?? eval.Horizon);
        RequireTransition(run);
        var data = SharedTransitionData(run, eval.ConditioningFrames + horizon);
        int batches = options.Batches ?? (data.Count + EquivarianceBatchSize - 1) / EquivarianceBatchSize;
        if (batches < 1)
            throw new UsageException($"--batches {batches}: give at least 1.");
        console.WriteLine($"msp eval equivariance: {run.Directory} on {device.Name}; {batches} batches of {EquivarianceBatchSize} sequences " +
                          $"sharing a transition, {eval.ConditioningFrames} conditioning frames, horizon {horizon}");
        var report = EquivarianceEvaluation.Run(run.Model, data, eval.ConditioningFrames, batches, EquivarianceBatchSize, EvaluationSeed(run.Config), device);
        string folder = run.OutputFolder("equivariance");
        EvaluationOutput.Write(folder, report);
        EvaluationOutput.Print(report, console);
        console.WriteLine($"Wrote eval.json, eval.csv and eval.png to {folder}");
        return 0;
    }

    private static Command BuildSbd()
    {
        var run = RunOption();
        var sequences = new Option<int>("--sequences") { Description = "Held-out sequences whose M* are block-diagonalised.", DefaultValueFactory = _ => 1024 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the change-of-basis optimisation (the reference's 50).", DefaultValueFactory = _ => 50 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the data and of the optimisation (default: the run's seed)." };
        var restarts = new Option<int>("--restarts") { Description = "Random starts; the one with the lowest loss is kept.", DefaultValueFactory = _ => 8 };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Coordinates couple when their mean |U⁻¹MU − I| exceeds this fraction of the strongest coupling.",
            DefaultValueFactory = _ => BlockDiagonalization.DefaultThreshold,
        };
        var accelerator = AcceleratorOption();
        var dataRoot = DataRootOption();
        var command = new Command("sbd", "Simultaneous block diagonalisation of the learned transitions M*: find the disentangled blocks.")
        {
            run, sequences, epochs, seed, restarts, threshold, accelerator, dataRoot,
        };
        command.SetAction(parse => CliErrors.Run(() => RunSbd(new SbdCommandOptions(parse.GetValue(run)!, parse.GetValue(sequences),
            parse.GetValue(epochs), parse.GetValue(seed), parse.GetValue(restarts), parse.GetValue(threshold),
            TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(dataRoot)), Console.Out)));
        return command;
    }

    internal static int RunSbd(SbdCommandOptions options, TextWriter console)
    {
        if (options.Sequences < 1 || options.Epochs < 1 || options.Restarts < 1)
            throw new UsageException($"--sequences, --epochs and --restarts must be at least 1, got {options.Sequences}, {options.Epochs} and {options.Restarts}.");
        if (!(options.Threshold > 0 && options.Threshold < 1))
            throw new UsageException($"--threshold is a fraction of the strongest coupling, strictly between 0 and 1; got {options.Threshold}.");
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device, options.DataRoot);
        ulong seed = options.Seed ?? (ulong)run.Config.Seed;
        RequireTransition(run);
        var data = run.TestData(run.Config.Model.TransitionFrames(run.Config.TrainData.Frames));
        console.WriteLine($"msp eval sbd: {options.Sequences} held-out sequences of {data.Frames} frames from {run.Directory} on {device.Name}; " +
                          $"dim_a {run.Model.Config.DimA}, {options.Epochs} epochs × {options.Restarts} starts");
        var transitions = TransitionSamples.Collect(run.Model, data, options.Sequences, run.Config.Eval.BatchSize, seed + 2000, device);
        var sbdOptions = new SbdOptions(Epochs: options.Epochs, Seed: seed, Restarts: options.Restarts, Threshold: options.Threshold);
        var result = BlockDiagonalization.Run(transitions, sbdOptions);
        string folder = run.OutputFolder("sbd");
        BlockDiagonalizationOutput.Write(folder, result, transitions.Count, sbdOptions);
        BlockDiagonalizationOutput.Print(result, console);
        console.WriteLine($"Wrote {BlockDiagonalizationOutput.JsonFileName}, {BlockDiagonalizationOutput.HeatmapFileName} and {BlockDiagonalizationOutput.LossFileName} to {folder}.");

        // Disentanglement: sequences in which only one factor moves, seen through the change of basis just found.
        var report = Disentanglement.Run(run.Model, result, TrainingData.MovingFactors(run.Config.TrainData), action => run.TestData(data.Frames, actions: [action]), SequencesPerFactor,
            run.Config.Eval.BatchSize, seed + 3000, device);
        Disentanglement.Write(folder, report);
        console.WriteLine(report.ToText());
        console.WriteLine($"Wrote {Disentanglement.JsonFileName} and {Disentanglement.FigureFileName} to {folder}.");
        return 0;
    }

    /// <summary>The seed of held-out draws: the one `msp train` evaluates with, so the numbers are comparable.</summary>
    internal static ulong EvaluationSeed(TrainConfig config) => (ulong)config.Seed + 1000;

    /// <summary>The run's held-out sequences of <paramref name="frames"/> frames, every batch sharing one transition.</summary>
    internal static ISharedTransitionDataset SharedTransitionData(TrainedRun run, int frames) =>
        run.TestData(frames, sharedTransition: true) as ISharedTransitionDataset
        ?? throw new UsageException($"{run.Config.Source}: {run.Config.TrainData.Name} cannot draw batches that share one transition.");

    /// <summary>Refuses, with the reason, an analysis of M on a model that has none (the neural transition).</summary>
    internal static void RequireTransition(TrainedRun run)
    {
        if (!run.Model.Dynamics.HasTransitionMatrix)
            throw new UsageException($"{run.Directory}: {SequenceErrors.NoTransitionMessage}");
    }

    internal static int CheckHorizon(int horizon) =>
        horizon >= 1 ? horizon : throw new UsageException($"--horizon {horizon}: give at least 1 frame to predict.");

    internal static Option<string> RunOption() =>
        new("--run") { Description = "A run folder written by `msp train` (config.yml and model.safetensors).", Required = true };

    internal static Option<int?> HorizonOption() =>
        new("--horizon") { Description = "Frames to predict after the conditioning frames (default: the config's eval.T − eval.T_cond)." };

    internal static Option<string?> DataRootOption() =>
        new("--data-root") { Description = "Folder with standard MNIST IDX files, for a run trained with --data-root (default: the config's data)." };

    internal static Option<string> AcceleratorOption() =>
        new("--accelerator") { Description = "cpu, cuda or ilgpu-cpu.", DefaultValueFactory = _ => "cpu" };

    private static int? ParseSequences(string text)
    {
        if (text == "all")
            return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1)
            return count;
        throw new UsageException($"--sequences '{text}': give a positive number of sequences, or all.");
    }
}
