using System.CommandLine;
using Msp.Core.Devices;
using Msp.Core.Evaluation;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>
/// `msp generate --run DIR`: pictures of held-out predictions, one PNG per sequence with rows of ground truth,
/// prediction with its own M* and prediction with a swapped M* (the reference's gen_images), in the run's eval/generate.
/// </summary>
public static class GenerateCommand
{
    internal sealed record Options(string Run, int Sequences, int? Horizon, DeviceKind Accelerator, string? DataRoot = null);

    public static Command Build()
    {
        var run = EvalCommand.RunOption();
        var sequences = new Option<int>("--sequences") { Description = "Sequences to draw (at least 2: each is also predicted with another's M*).", DefaultValueFactory = _ => 4 };
        var horizon = EvalCommand.HorizonOption();
        var accelerator = EvalCommand.AcceleratorOption();
        var dataRoot = EvalCommand.DataRootOption();
        var command = new Command("generate", "Draw held-out sequences with their predictions as PNG grids.")
        {
            run, sequences, horizon, accelerator, dataRoot,
        };
        command.SetAction(parse => CliErrors.Run(() => Run(new Options(parse.GetValue(run)!, parse.GetValue(sequences), parse.GetValue(horizon),
            TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(dataRoot)), Console.Out)));
        return command;
    }

    internal static int Run(Options options, TextWriter console)
    {
        if (options.Sequences < 2)
            throw new UsageException($"--sequences {options.Sequences}: give at least 2, so that each sequence can be predicted with another's M*.");
        using var device = DeviceFactory.Create(options.Accelerator);
        using var run = TrainedRun.Open(options.Run, device, options.DataRoot);
        var eval = run.Config.Eval;
        int horizon = EvalCommand.CheckHorizon(options.Horizon ?? eval.Horizon);
        var data = EvalCommand.SharedTransitionData(run, eval.ConditioningFrames + horizon);
        EvalCommand.RequireTransition(run);
        string folder = run.OutputFolder("generate");
        var paths = ImageGrid.WriteSequences(run.Model, data, eval.ConditioningFrames, options.Sequences, EvalCommand.EvaluationSeed(run.Config), device, folder);
        console.WriteLine($"msp generate: {paths.Length} sequences of {eval.ConditioningFrames} conditioning frames and {horizon} predicted, " +
                          $"rows: ground truth, prediction with own M*, with the previous sequence's M* (same transition); in {folder}");
        return 0;
    }
}
