using System.CommandLine;
using Msp.Core.Data;
using Msp.Core.Evaluation;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>`msp data preview NAME`: a PNG of a config's data set, to look at before training on it.</summary>
public static class DataCommand
{
    internal sealed record PreviewOptions(string Config, string? Out, string? DataRoot, int Sequences);

    /// <summary>The base image of the factor sweeps: floor red, wall cyan-ish, object blue-ish, mid scale, the cube,
    /// facing front (3DShapes); first toy, first lighting, middle elevation, azimuth 0 (SmallNORB).</summary>
    private static readonly int[] ThreeDimShapesBase = [0, 5, 7, 3, 0, 7], SmallNorbBase = [0, 0, 0, 4, 0];

    public static Command Build()
    {
        var command = new Command("data", "Look at the data sets.");
        var config = new Argument<string>("NAME") { Description = "A built-in config (3dshapes, smallnorb, mnist-bg, ...) or a config file." };
        var output = new Option<string?>("--out") { Description = "The PNG to write (default: preview-NAME.png in the current folder)." };
        var dataRoot = new Option<string?>("--data-root") { Description = "The real data files (as msp train --data-root) instead of the config's root." };
        var sequences = new Option<int>("--sequences") { Description = "Sequences to show for Sequential MNIST data.", DefaultValueFactory = _ => 6 };
        var preview = new Command("preview", "Write a PNG: one row per factor sweeping its values (3DShapes, SmallNORB), or a few sequences (MNIST).")
        {
            config, output, dataRoot, sequences,
        };
        preview.SetAction(parse => CliErrors.Run(() => Preview(new PreviewOptions(parse.GetValue(config)!, parse.GetValue(output),
            parse.GetValue(dataRoot), parse.GetValue(sequences)), Console.Out)));
        command.Subcommands.Add(preview);
        return command;
    }

    internal static int Preview(PreviewOptions options, TextWriter console)
    {
        if (options.Sequences < 1)
            throw new UsageException($"--sequences {options.Sequences}: give at least 1.");
        var config = ConfigLibrary.Load(options.Config);
        var data = config.TrainData;
        string root = options.DataRoot ?? data.Root;
        string path = Path.GetFullPath(options.Out ?? $"preview-{ConfigLibrary.RunName(options.Config)}.png");
        IReadOnlyList<IReadOnlyList<float[]?>> rows;
        string what;
        if (data.Kind == DatasetKind.SequentialMnist)
        {
            rows = DataPreview.Sequences(TrainingData.Create(config, options.DataRoot).Train, options.Sequences, (ulong)config.Seed);
            what = $"{options.Sequences} training sequences of {data.Frames} frames, one per row";
        }
        else
        {
            var images = TrainingData.FactorImages(config, root, DatasetSplit.Train);
            rows = DataPreview.FactorSweeps(images, data.Kind == DatasetKind.ThreeDimShapes ? ThreeDimShapesBase : SmallNorbBase);
            what = "one row per factor, each sweeping all its values from one base image: " + string.Join(", ", images.Grid.Names.Select((name, f) => $"{name} ({images.Grid.Values[f]})"));
        }
        try
        {
            ImageGrid.WritePng(path, rows, data.ImageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write {path}: {e.Message}");
        }
        console.WriteLine($"msp data preview: {data.Name} from {(root == DataConfig.EmbeddedRoot ? "what ships with Msp (root: embedded)" : root)} at {data.ImageSize}×{data.ImageSize}; {what}.");
        console.WriteLine($"Wrote {path}");
        return 0;
    }
}
