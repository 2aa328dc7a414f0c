using System.CommandLine;
using Msp.Core.Devices;
using Msp.Core.Evaluation;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>
/// `msp compare`: the paper's comparison of MSP with its variants and baselines in one command. Each entry of --configs
/// is a run folder (taken as it is) or a config, trained into OUT/&lt;name&gt; unless that folder already holds a model;
/// then every model is evaluated on held-out data the same way and one table and two figures are written to OUT.
/// </summary>
public static class CompareCommand
{
    internal sealed record Options(IReadOnlyList<string> Entries, DeviceKind Accelerator, string Out, long? Steps, int? Horizon, int? Batches, string? DataRoot);

    public static Command Build()
    {
        var configs = new Option<string>("--configs") { Description = "Comma-separated configs (built-in names or YAML files) or run folders.", Required = true };
        var accelerator = EvalCommand.AcceleratorOption();
        var output = new Option<string>("--out") { Description = "Folder for the runs it trains and the comparison.", DefaultValueFactory = _ => Path.Combine("runs", "compare") };
        var steps = new Option<long?>("--steps") { Description = "Train each config to this many steps instead of its max_iteration." };
        var horizon = EvalCommand.HorizonOption();
        var batches = new Option<int?>("--batches") { Description = $"Equivariance batches of {EvalCommand.EquivarianceBatchSize} sequences sharing a transition (default: cover the held-out digits once)." };
        var dataRoot = EvalCommand.DataRootOption();
        var command = new Command("compare", "Train (or take trained runs of) several models and compare their prediction and equivariance errors.")
        {
            configs, accelerator, output, steps, horizon, batches, dataRoot,
        };
        command.SetAction((parse, token) => Task.Run(() => CliErrors.Run(() => Run(new Options(
            SplitEntries(parse.GetValue(configs)!), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(output)!,
            parse.GetValue(steps), parse.GetValue(horizon), parse.GetValue(batches), parse.GetValue(dataRoot)), Console.Out, token))));
        return command;
    }

    internal static IReadOnlyList<string> SplitEntries(string text)
    {
        var entries = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
            throw new UsageException("--configs: give at least one config or run folder, separated by commas.");
        if (entries.Distinct().Count() != entries.Length)
            throw new UsageException($"--configs '{text}' names a model twice; each needs its own run folder.");
        return entries;
    }

    internal static int Run(Options options, TextWriter console, CancellationToken cancel)
    {
        if (options.Horizon is int h)
            EvalCommand.CheckHorizon(h);
        if (options.Batches is < 1)
            throw new UsageException($"--batches {options.Batches}: give at least 1.");
        Directory.CreateDirectory(options.Out);
        var folders = new List<(string Name, string Folder)>();
        foreach (var entry in options.Entries)
        {
            var (name, folder, trained) = Locate(entry, options.Out);
            if (!trained)
            {
                console.WriteLine($"msp compare: training {entry} into {folder}");
                int code = TrainCommand.Run(new TrainCommand.Options(entry, options.Accelerator, folder, options.Steps, null, false, options.DataRoot), console, cancel);
                if (code != 0)
                    return code;
            }
            else
                console.WriteLine($"msp compare: taking the trained run {folder}");
            folders.Add((name, folder));
        }

        using var device = DeviceFactory.Create(options.Accelerator);
        var models = new List<ComparedModel>();
        foreach (var (name, folder) in folders)
        {
            using var run = TrainedRun.Open(folder, device, options.DataRoot);
            console.WriteLine($"msp compare: evaluating {name} ({run.Config.Model.ReferenceClass}) on {device.Name}");
            models.Add(Evaluate(name, run, device, options.Horizon, options.Batches));
        }
        var comparison = new ModelComparison(models);
        comparison.Write(options.Out);
        console.Write(comparison.ToText());
        console.WriteLine($"Wrote {ModelComparison.TableFileName}, {ModelComparison.TextFileName}, {ModelComparison.PredictionFigureFileName} and " +
                          $"{ModelComparison.EquivarianceFigureFileName} to {Path.GetFullPath(options.Out)}");
        return 0;
    }

    /// <summary>A run folder is taken as it is; a config maps to OUT/&lt;name&gt;, trained already when it holds a model.</summary>
    private static (string Name, string Folder, bool Trained) Locate(string entry, string output)
    {
        if (Directory.Exists(entry))
        {
            if (!File.Exists(Path.Combine(entry, RunDirectory.ConfigFileName)) || !File.Exists(Path.Combine(entry, Checkpoint.ModelFileName)))
                throw new UsageException($"--configs: {entry} is a folder but not a run folder (it needs {RunDirectory.ConfigFileName} and {Checkpoint.ModelFileName}).");
            return (Path.GetFileName(Path.GetFullPath(entry).TrimEnd(Path.DirectorySeparatorChar)), entry, true);
        }
        ConfigLibrary.ReadText(entry);
        string name = ConfigLibrary.RunName(entry), folder = Path.Combine(output, name);
        return (name, folder, File.Exists(Path.Combine(folder, Checkpoint.ModelFileName)) && File.Exists(Path.Combine(folder, "eval.json")));
    }

    /// <summary>Prediction error per horizon on the run's held-out data and, when the model has a transition matrix,
    /// the equivariance error (Neural M* swaps its predicted M); both as `msp eval predict` and `msp eval equivariance`.</summary>
    private static ComparedModel Evaluate(string name, TrainedRun run, IDevice device, int? horizonOption, int? batchesOption)
    {
        var eval = run.Config.Eval;
        int horizon = horizonOption ?? eval.Horizon;
        ulong seed = EvalCommand.EvaluationSeed(run.Config);
        var prediction = HorizonEvaluation.Run(run.Model, run.TestData(eval.ConditioningFrames + horizon), eval.ConditioningFrames, eval.BatchSize, seed, device);
        if (!run.Model.Dynamics.HasTransitionMatrix)
            return new ComparedModel(name, run.Config.Model.ReferenceClass, prediction, null, "no transition matrix M to swap (its dynamics are a network).");
        var shared = EvalCommand.SharedTransitionData(run, eval.ConditioningFrames + horizon);
        int batchSize = EvalCommand.EquivarianceBatchSize;
        int batches = batchesOption ?? (shared.Count + batchSize - 1) / batchSize;
        var equivariance = EquivarianceEvaluation.Run(run.Model, shared, eval.ConditioningFrames, batches, batchSize, seed, device);
        return new ComparedModel(name, run.Config.Model.ReferenceClass, prediction, equivariance, null);
    }
}
