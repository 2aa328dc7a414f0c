using System.CommandLine;
using Msp.Core.Devices;
using Msp.Core.Evaluation;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>`msp eval`: analyses of a finished run folder, one subcommand each, every one writing under the run's eval/.</summary>
public static class EvalCommand
{
    public static Command Build()
    {
        var command = new Command("eval", "Evaluate a trained run folder.");
        command.Subcommands.Add(BuildSbd());
        return command;
    }

    internal sealed record SbdCommandOptions(string Run, int Sequences, int Epochs, ulong? Seed, int Restarts, double Threshold, DeviceKind Accelerator);

    private static Command BuildSbd()
    {
        var run = new Option<string>("--run") { Description = "The run folder (the --out of `msp train`).", Required = true };
        var sequences = new Option<int>("--sequences") { Description = "Held-out sequences whose M* are block-diagonalised.", DefaultValueFactory = _ => 1024 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the change-of-basis optimisation (the reference's 50).", DefaultValueFactory = _ => 50 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the data and of the optimisation (default: the run's seed)." };
        var restarts = new Option<int>("--restarts") { Description = "Random starts; the one with the lowest loss is kept.", DefaultValueFactory = _ => 8 };
        var threshold = new Option<double>("--threshold")
        {
            Description = "Coordinates couple when their mean |U⁻¹MU − I| exceeds this fraction of the strongest coupling.",
            DefaultValueFactory = _ => BlockDiagonalization.DefaultThreshold,
        };
        var accelerator = new Option<string>("--accelerator") { Description = "Device that encodes the sequences: cpu, cuda or ilgpu-cpu.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("sbd", "Simultaneous block diagonalisation of the learned transitions M*: find the disentangled blocks.")
        {
            run, sequences, epochs, seed, restarts, threshold, accelerator,
        };
        command.SetAction(parse => CliErrors.Run(() => RunSbd(new SbdCommandOptions(parse.GetValue(run)!, parse.GetValue(sequences),
            parse.GetValue(epochs), parse.GetValue(seed), parse.GetValue(restarts), parse.GetValue(threshold),
            TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!)), Console.Out)));
        return command;
    }

    internal static int RunSbd(SbdCommandOptions options, TextWriter console)
    {
        if (options.Sequences < 1 || options.Epochs < 1 || options.Restarts < 1)
            throw new UsageException($"--sequences, --epochs and --restarts must be at least 1, got {options.Sequences}, {options.Epochs} and {options.Restarts}.");
        if (!(options.Threshold > 0 && options.Threshold < 1))
            throw new UsageException($"--threshold is a fraction of the strongest coupling, strictly between 0 and 1; got {options.Threshold}.");
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device);
        ulong seed = options.Seed ?? (ulong)run.Config.Seed;
        var data = run.TestData(run.Config.TrainData.Frames);
        console.WriteLine($"msp eval sbd: {options.Sequences} held-out sequences of {data.Frames} frames from {run.Directory} on {device.Name}; " +
                          $"dim_a {run.Model.Config.DimA}, {options.Epochs} epochs × {options.Restarts} starts");
        var transitions = TransitionSamples.Collect(run.Model, data, options.Sequences, run.Config.Eval.BatchSize, seed + 2000, device);
        var sbdOptions = new SbdOptions(Epochs: options.Epochs, Seed: seed, Restarts: options.Restarts, Threshold: options.Threshold);
        var result = BlockDiagonalization.Run(transitions, sbdOptions);
        string folder = run.OutputFolder("sbd");
        BlockDiagonalizationOutput.Write(folder, result, transitions.Count, sbdOptions);
        BlockDiagonalizationOutput.Print(result, console);
        console.WriteLine($"Wrote {BlockDiagonalizationOutput.JsonFileName}, {BlockDiagonalizationOutput.HeatmapFileName} and {BlockDiagonalizationOutput.LossFileName} to {folder}.");
        return 0;
    }
}
