using ScottPlot;

namespace Msp.Core.Evaluation;

/// <summary>The plots Msp writes (ScottPlot, PNG). One place, so every figure has the same size and style.</summary>
public static class Figures
{
    private const int Width = 800, Height = 500;

    // Heat maps are square matrices: a square-ish canvas, wider by the colour bar.
    private const int HeatmapWidth = 760, HeatmapHeight = 680;

    /// <summary>A line plot with markers of several named series over shared x values.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, double[] xs, IReadOnlyList<(string Name, double[] Ys)> series,
        float markerSize = 6)
    {
        var plot = new Plot();
        foreach (var (name, ys) in series)
        {
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = name;
            line.MarkerSize = markerSize;
        }
        Finish(plot, path, title, xLabel, yLabel, xs, series.Max(s => s.Ys.Max()));
    }

    /// <summary>
    /// Like <see cref="Lines"/>, each series with a shaded band of ± its spread around it, so a reader sees whether two
    /// curves differ by more than their noise.
    /// </summary>
    public static void LinesWithBands(string path, string title, string xLabel, string yLabel, double[] xs,
        IReadOnlyList<(string Name, double[] Ys, double[] Spread)> series)
    {
        var plot = new Plot();
        foreach (var (name, ys, spread) in series)
        {
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = name;
            line.MarkerSize = 6;
            var band = plot.Add.FillY(xs, ys.Zip(spread, (y, s) => y - s).ToArray(), ys.Zip(spread, (y, s) => y + s).ToArray());
            band.FillColor = line.Color.WithAlpha(0.2);
            band.LineWidth = 0;
        }
        Finish(plot, path, title, xLabel, yLabel, xs, series.Max(s => s.Ys.Zip(s.Spread, (y, d) => y + d).Max()));
    }

    /// <summary>
    /// Two curves per named series in one colour: the first solid, the second dashed (a model's error with its own
    /// and with a swapped M), so a reader compares the pair of each model at a glance.
    /// </summary>
    public static void PairedLines(string path, string title, string xLabel, string yLabel, double[] xs,
        IReadOnlyList<(string Name, double[] Solid, string SolidLabel, double[] Dashed, string DashedLabel)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (name, solid, solidLabel, dashed, dashedLabel) = series[i];
            var color = palette.GetColor(i);
            var first = plot.Add.Scatter(xs, solid);
            first.LegendText = $"{name}: {solidLabel}";
            first.Color = color;
            first.MarkerSize = 6;
            var second = plot.Add.Scatter(xs, dashed);
            second.LegendText = $"{name}: {dashedLabel}";
            second.Color = color;
            second.MarkerSize = 6;
            second.LinePattern = LinePattern.Dashed;
        }
        Finish(plot, path, title, xLabel, yLabel, xs, series.Max(s => Math.Max(s.Solid.Max(), s.Dashed.Max())));
    }

    private static void Finish(Plot plot, string path, string title, string xLabel, string yLabel, double[] xs, double yMax)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Outside the data area, on the right: inside it, a legend hides whatever falls in its corner (it hid Neural
        // M*'s swapped-M error at horizon 1, the comparison's key point).
        plot.ShowLegend(Edge.Right);
        plot.Axes.SetLimitsY(0, yMax * 1.1);
        if (xs.All(x => x == Math.Round(x)))
        {
            // Whole-numbered x (horizons, steps): ticks on whole numbers only, never at 1.5.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        plot.SavePng(path, Width, Height);
    }

    /// <summary>
    /// A heat map of <paramref name="values"/> [rows, columns] as printed: row 0 at the top, column 0 at the left, with
    /// <paramref name="labels"/> naming the rows and columns (a permuted matrix keeps its original coordinate names), a
    /// colour bar (unlabelled: ScottPlot draws its label over the tick values, so the title names the quantity), and each
    /// (start, length) of <paramref name="boxes"/> outlined on the diagonal.
    /// </summary>
    public static void Heatmap(string path, string title, double[,] values, string[] labels, IReadOnlyList<(int Start, int Length)> boxes)
    {
        if (labels.Length != values.GetLength(0) || values.GetLength(0) != values.GetLength(1))
            throw new ArgumentException($"Heatmap: needs a square matrix and one label per row, got {values.GetLength(0)} × {values.GetLength(1)} and {labels.Length} labels.");
        Heatmap(path, title, values, labels, labels, boxes);
    }

    /// <summary>A heat map of a rectangular matrix with its own row and column names (e.g. factor × block).</summary>
    public static void Heatmap(string path, string title, double[,] values, string[] rowLabels, string[] columnLabels,
        IReadOnlyList<(int Start, int Length)> boxes)
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rowLabels.Length != rows || columnLabels.Length != columns)
            throw new ArgumentException($"Heatmap: {rows} × {columns} values need as many row and column labels, got {rowLabels.Length} and {columnLabels.Length}.");
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell (r, c) covers x ∈ [c, c + 1] and y ∈ [rows − r − 1, rows − r]: row 0 on top, as the matrix is written.
        heatmap.Rectangle = new CoordinateRect(0, columns, 0, rows);
        plot.Add.ColorBar(heatmap);
        foreach (var (start, length) in boxes)
        {
            var box = plot.Add.Rectangle(start, start + length, rows - start - length, rows - start);
            box.FillStyle.Color = Colors.Transparent;
            box.LineStyle.Color = Colors.White;
            box.LineStyle.Width = 2.5f;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), columnLabels);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), rowLabels);
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.HideGrid();
        plot.Title(title);
        // A wide matrix (factor × block) gets a shorter canvas so its cells stay readable rather than tall stripes.
        plot.SavePng(path, HeatmapWidth, rows >= columns ? HeatmapHeight : Math.Min(HeatmapHeight, 220 + 90 * rows));
    }
}
