using System.Globalization;
using System.Text;
using Msp.Core.IO;

namespace Msp.Core.Evaluation;

/// <summary>
/// One model of a comparison: its name (the config or run it came from), the reference class it implements, its
/// held-out prediction error per horizon and its equivariance error, or, for a model without a transition matrix,
/// the reason there is none.
/// </summary>
public sealed record ComparedModel(string Name, string ModelClass, HorizonReport Prediction, EquivarianceReport? Equivariance, string? NoEquivarianceReason);

/// <summary>
/// The paper's comparison (its figures comp_error_* and equiv_error_*, made by extrp.ipynb and
/// equivariance_error.ipynb): prediction error against horizon for every model, and the equivariance error with each
/// sequence's own M and with M swapped between sequences that share a transition. Writes one table (CSV and text) and
/// two PNGs.
/// </summary>
public sealed record ModelComparison(IReadOnlyList<ComparedModel> Models)
{
    public const string TableFileName = "comparison.csv";
    public const string TextFileName = "comparison.txt";
    public const string PredictionFigureFileName = "prediction.png";
    public const string EquivarianceFigureFileName = "equivariance.png";

    /// <summary>The horizon every model was evaluated to (the shortest, if they differ).</summary>
    public int Horizon => Models.Min(m => m.Prediction.Horizon);

    /// <summary>The columns of the text table: horizons 1, 2, 4, 8, … up to and including the last.</summary>
    public int[] TableHorizons()
    {
        var horizons = new List<int>();
        for (int h = 1; h < Horizon; h *= 2)
            horizons.Add(h);
        horizons.Add(Horizon);
        return horizons.Distinct().ToArray();
    }

    /// <summary>The horizons of the table's equivariance columns: the first, where a model whose long rollouts fade
    /// (Neural M*'s do) still shows what its M carries, and the last.</summary>
    public int[] EquivarianceHorizons() => new[] { 1, Horizon }.Distinct().ToArray();

    /// <summary>One row per model and horizon: prediction error, own-M and swapped-M equivariance errors (empty when
    /// the model has none), and the two baselines of the first model's data.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("model,class,horizon,prediction,repeat_last,black,equivariance_own,equivariance_swapped\n");
        foreach (var model in Models)
            for (int h = 0; h < Horizon; h++)
            {
                string own = model.Equivariance is { } e && h < e.Horizon ? Format(e.PlainMean[h]) : "";
                string swapped = model.Equivariance is { } f && h < f.Horizon ? Format(f.SwappedMean[h]) : "";
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Name},{model.ModelClass},{h + 1},{Format(model.Prediction.Model[h])},{Format(model.Prediction.RepeatLast[h])},{Format(model.Prediction.Black[h])},{own},{swapped}"));
            }
        return text.ToString();
    }

    /// <summary>The table a person reads: prediction error at a few horizons, then the equivariance error at the first
    /// and the last horizon with own and swapped M and their ratio ("n/a" with the reason when a model has no M).</summary>
    public string ToText()
    {
        var horizons = TableHorizons();
        int nameWidth = Math.Max(6, Models.Max(m => m.Name.Length)), classWidth = Math.Max(6, Models.Max(m => m.ModelClass.Length));
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Prediction error (sum of squared errors per frame, mean over held-out sequences) at horizon h; equivariance error (own and swapped M) at h = {string.Join(" and ", EquivarianceHorizons())}."));
        var header = new StringBuilder();
        header.Append("model".PadRight(nameWidth)).Append("  ").Append("class".PadRight(classWidth));
        foreach (int h in horizons)
            header.Append(string.Create(CultureInfo.InvariantCulture, $"  {"h=" + h,7}"));
        foreach (int h in EquivarianceHorizons())
            header.Append(string.Create(CultureInfo.InvariantCulture, $"  {"own h=" + h,8}  {"swapped",9}  {"ratio",6}"));
        text.AppendLine(header.ToString());
        var notes = new List<string>();
        foreach (var model in Models)
        {
            var row = new StringBuilder();
            row.Append(model.Name.PadRight(nameWidth)).Append("  ").Append(model.ModelClass.PadRight(classWidth));
            foreach (int h in horizons)
                row.Append(string.Create(CultureInfo.InvariantCulture, $"  {model.Prediction.Model[h - 1],7:F1}"));
            foreach (int h in EquivarianceHorizons())
            {
                if (model.Equivariance is { } e)
                {
                    double own = e.PlainMean[h - 1], swapped = e.SwappedMean[h - 1];
                    row.Append(string.Create(CultureInfo.InvariantCulture, $"  {own,8:F1}  {swapped,9:F1}  {swapped / own,6:F2}"));
                }
                else
                    row.Append(string.Create(CultureInfo.InvariantCulture, $"  {"n/a",8}  {"n/a",9}  {"n/a",6}"));
            }
            if (model.Equivariance is null)
                notes.Add($"{model.Name}: {model.NoEquivarianceReason}");
            text.AppendLine(row.ToString());
        }
        var first = Models[0].Prediction;
        foreach (var (name, errors) in new[] { ("repeat last frame", first.RepeatLast), ("black frame", first.Black) })
        {
            var baseline = new StringBuilder();
            baseline.Append(name.PadRight(nameWidth + classWidth + 2));
            foreach (int h in horizons)
                baseline.Append(string.Create(CultureInfo.InvariantCulture, $"  {errors[h - 1],7:F1}"));
            text.AppendLine(baseline.ToString());
        }
        foreach (var note in notes)
            text.AppendLine("n/a: " + note);
        return text.ToString();
    }

    /// <summary>comparison.csv, comparison.txt, prediction.png and equivariance.png in <paramref name="directory"/>.</summary>
    public void Write(string directory)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, TableFileName), ToCsv());
        AtomicFile.WriteAllText(Path.Combine(directory, TextFileName), ToText());
        var xs = Enumerable.Range(1, Horizon).Select(h => (double)h).ToArray();
        var prediction = Models.Select(m => (m.Name, m.Prediction.Model[..Horizon])).ToList();
        prediction.Add(("repeat last frame", Models[0].Prediction.RepeatLast[..Horizon]));
        prediction.Add(("black frame", Models[0].Prediction.Black[..Horizon]));
        Figures.Lines(Path.Combine(directory, PredictionFigureFileName),
            $"Held-out prediction error ({Models[0].Prediction.Sequences} sequences)", "horizon (frames after the last conditioning frame)",
            "sum of squared errors per frame", xs, prediction);
        var equivariance = Models.Where(m => m.Equivariance is not null)
            .Select(m => (m.Name, m.Equivariance!.PlainMean[..Horizon], "own M", m.Equivariance.SwappedMean[..Horizon], "swapped M")).ToList();
        if (equivariance.Count > 0)
            Figures.PairedLines(Path.Combine(directory, EquivarianceFigureFileName),
                "Equivariance error: own M (solid) vs swapped M (dashed)",
                "horizon (frames after the last conditioning frame)", "sum of squared errors per frame", xs, equivariance);
    }

    private static string Format(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
