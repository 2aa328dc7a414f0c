using System.Globalization;
using Msp.Core.IO;

namespace Msp.Core.Evaluation;

/// <summary>Writes a <see cref="HorizonReport"/> or an <see cref="EquivarianceReport"/> as eval.json, eval.csv and eval.png, and prints it as a table.</summary>
public static class EvaluationOutput
{
    public static void Write(string directory, HorizonReport report)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "eval.json"), report.ToJson());
        AtomicFile.WriteAllText(Path.Combine(directory, "eval.csv"), report.ToCsv());
        Figures.Lines(Path.Combine(directory, "eval.png"),
            $"Held-out prediction error ({report.Sequences} sequences, {report.ConditioningFrames} conditioning frames)",
            "horizon (frames after the last conditioning frame)", "sum of squared errors per frame",
            Enumerable.Range(1, report.Horizon).Select(h => (double)h).ToArray(),
            [("model", report.Model), ("repeat last frame", report.RepeatLast), ("black frame", report.Black)]);
    }

    public static void Print(HorizonReport report, TextWriter output)
    {
        output.WriteLine("horizon   model   repeat-last   black");
        for (int h = 0; h < report.Horizon; h++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{h + 1,7} {report.Model[h],7:F1} {report.RepeatLast[h],13:F1} {report.Black[h],7:F1}"));
        double ratio = report.Model[0] / report.RepeatLast[0];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"At horizon 1 the model's error is {100 * ratio:F0}% of repeating the last frame ({report.Model[0]:F1} vs {report.RepeatLast[0]:F1})."));
    }

    public static void Write(string directory, EquivarianceReport report)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "eval.json"), report.ToJson());
        AtomicFile.WriteAllText(Path.Combine(directory, "eval.csv"), report.ToCsv());
        Figures.LinesWithBands(Path.Combine(directory, "eval.png"),
            $"Equivariance error ({report.Batches} batches of {report.BatchSize} sequences sharing a transition)",
            "horizon (frames after the last conditioning frame)", "sum of squared errors per frame",
            Enumerable.Range(1, report.Horizon).Select(h => (double)h).ToArray(),
            [("own M* (L^p), ± std over batches", report.PlainMean, report.PlainStd),
             ("M* swapped within the batch (L^p_equiv), ± std", report.SwappedMean, report.SwappedStd)]);
    }

    public static void Print(EquivarianceReport report, TextWriter output)
    {
        output.WriteLine("horizon   own M*   (std)   swapped M*   (std)");
        for (int h = 0; h < report.Horizon; h++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{h + 1,7} {report.PlainMean[h],8:F1} {report.PlainStd[h],7:F1} {report.SwappedMean[h],12:F1} {report.SwappedStd[h],7:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"At horizon 1 swapping M* changes the error by {report.SwappedMean[0] - report.PlainMean[0]:F1} ({report.PlainMean[0]:F1} → {report.SwappedMean[0]:F1}); near 0 means M* captures the shared transition, not the sequence."));
    }
}
