using ScottPlot;

namespace Msp.Core.Evaluation;

/// <summary>The plots Msp writes (ScottPlot, PNG). One place, so every figure has the same size and style.</summary>
public static class Figures
{
    private const int Width = 800, Height = 500;

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
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimitsY(0, series.Max(s => s.Ys.Max()) * 1.1);
        if (xs.All(x => x == Math.Round(x)))
        {
            // Whole-numbered x (horizons, steps): ticks on whole numbers only, never at 1.5.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }
        plot.SavePng(path, Width, Height);
    }
}
