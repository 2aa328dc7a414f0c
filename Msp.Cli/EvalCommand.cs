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

    internal sealed record PredictOptions(string Run, int? Horizon, int? Sequences, DeviceKind Accelerator);

    internal sealed record EquivarianceOptions(string Run, int? Horizon, int? Batches, DeviceKind Accelerator);

    public static Command Build()
    {
        var command = new Command("eval", "Evaluate a trained run folder (one subcommand per method).");
        command.Subcommands.Add(BuildPredict());
        command.Subcommands.Add(BuildEquivariance());
        return command;
    }

    private static Command BuildPredict()
    {
        var run = RunOption();
        var horizon = HorizonOption();
        var sequences = new Option<string>("--sequences") { Description = "Held-out sequences to evaluate: a number or all.", DefaultValueFactory = _ => "all" };
        var accelerator = AcceleratorOption();
        var command = new Command("predict", "Prediction error per horizon on held-out sequences, against repeating the last frame and a black frame.")
        {
            run, horizon, sequences, accelerator,
        };
        command.SetAction(parse => CliErrors.Run(() => Predict(new PredictOptions(parse.GetValue(run)!, parse.GetValue(horizon),
            ParseSequences(parse.GetValue(sequences)!), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!)), Console.Out)));
        return command;
    }

    private static Command BuildEquivariance()
    {
        var run = RunOption();
        var horizon = HorizonOption();
        var batches = new Option<int?>("--batches") { Description = $"Batches of {EquivarianceBatchSize} sequences sharing a transition (default: enough to cover the held-out digits once)." };
        var accelerator = AcceleratorOption();
        var command = new Command("equivariance", "The equivariance error: prediction error with each sequence's own M* and with M* swapped between sequences that share a transition.")
        {
            run, horizon, batches, accelerator,
        };
        command.SetAction(parse => CliErrors.Run(() => Equivariance(new EquivarianceOptions(parse.GetValue(run)!, parse.GetValue(horizon),
            parse.GetValue(batches), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!)), Console.Out)));
        return command;
    }

    internal static int Predict(PredictOptions options, TextWriter console)
    {
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device);
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
        using var run = TrainedRun.Open(options.Run, device);
        var eval = run.Config.Eval;
        int horizon = CheckHorizon(options.Horizon ?? eval.Horizon);
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

    /// <summary>The seed of held-out draws: the one `msp train` evaluates with, so the numbers are comparable.</summary>
    internal static ulong EvaluationSeed(TrainConfig config) => (ulong)config.Seed + 1000;

    /// <summary>The run's held-out sequences of <paramref name="frames"/> frames, every batch sharing one transition.</summary>
    internal static SequentialMnist SharedTransitionData(TrainedRun run, int frames) =>
        run.TestData(frames, sharedTransition: true) as SequentialMnist
        ?? throw new UsageException($"{run.Config.Source}: only Sequential MNIST can draw batches that share one transition.");

    internal static int CheckHorizon(int horizon) =>
        horizon >= 1 ? horizon : throw new UsageException($"--horizon {horizon}: give at least 1 frame to predict.");

    internal static Option<string> RunOption() =>
        new("--run") { Description = "A run folder written by `msp train` (config.yml and model.safetensors).", Required = true };

    internal static Option<int?> HorizonOption() =>
        new("--horizon") { Description = "Frames to predict after the conditioning frames (default: the config's eval.T − eval.T_cond)." };

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
