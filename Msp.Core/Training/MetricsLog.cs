using System.Globalization;
using Msp.Core.IO;
using Msp.Core.Models;

namespace Msp.Core.Training;

/// <summary>
/// metrics.csv of a run: one row per step (loss, learning rate, seconds) and, at report steps, the reference's
/// diagnostics. Reopened on resume, it drops rows past the resumed step so the curve stays one consistent run.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public const string Header = "step,loss,learning_rate,seconds,loss_bd,loss_orth,loss_internal_0,loss_internal_T";

    private static readonly int ColumnCount = Header.Split(',').Length;

    private readonly StreamWriter _writer;

    public MetricsLog(string path, long startStep)
    {
        var kept = new List<string> { Header };
        if (startStep > 0 && File.Exists(path))
            kept.AddRange(File.ReadLines(path).Skip(1).Where(line => IsCompleteRowUpTo(line, startStep)));
        // Rewritten atomically: a run killed here must not lose the rows it already had.
        AtomicFile.WriteAllText(path, string.Concat(kept.Select(line => line + Environment.NewLine)));
        _writer = new StreamWriter(path, append: true) { AutoFlush = false };
    }

    public void Append(StepResult result, double seconds, LatentReport? diagnostics)
    {
        string extra = diagnostics is null
            ? ",,,"
            : string.Create(CultureInfo.InvariantCulture,
                $"{diagnostics.LossBlockDiagonal:G6},{diagnostics.LossOrthogonal:G6},{diagnostics.LossInternal0:G6},{diagnostics.LossInternalT:G6}");
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Step},{result.Loss:G7},{result.LearningRate:G4},{seconds:F3},{extra}"));
        if (diagnostics is not null)
            _writer.Flush();
    }

    // A process killed mid-row leaves a cut-off last line ("13,2" could read as step 13 or 1): only rows with every
    // column are kept.
    private static bool IsCompleteRowUpTo(string line, long lastStep)
    {
        var fields = line.Split(',');
        return fields.Length == ColumnCount && long.TryParse(fields[0], CultureInfo.InvariantCulture, out long step) && step <= lastStep;
    }

    /// <summary>Pushes buffered rows to the file: before a checkpoint, so the log always reaches the checkpoint's step.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>(step, loss) pairs of a metrics.csv, for plots and reports.</summary>
    public static IReadOnlyList<(long Step, double Loss)> ReadLosses(string path) =>
        File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Where(f => f.Length >= 2)
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture))).ToList();

    /// <summary>The training curve of a metrics.csv as a PNG: loss per step.</summary>
    public static void PlotLosses(string metricsPath, string pngPath)
    {
        var losses = ReadLosses(metricsPath);
        if (losses.Count == 0)
            return;
        Evaluation.Figures.Lines(pngPath, "Training loss (per step)", "step", "loss (sum of squared errors per predicted frame)",
            losses.Select(l => (double)l.Step).ToArray(), [("training batch", losses.Select(l => l.Loss).ToArray())], markerSize: 0);
    }

    public void Dispose() => _writer.Dispose();
}
