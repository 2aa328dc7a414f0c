using Msp.Core.Evaluation;
using SkiaSharp;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Evaluation;

public sealed class FiguresTests : TempFolderTests
{
    /// <summary>
    /// The band is drawn: the same curves with a wide spread tint many more pixels than with none. Counting tinted
    /// pixels rather than checking places keeps the test independent of ScottPlot's margins and fonts.
    /// </summary>
    [Test]
    public void Lines_with_bands_shade_the_spread_around_each_curve()
    {
        double[] xs = [1, 2, 3, 4];
        double[] low = [10, 12, 14, 16], high = [30, 35, 40, 45];
        int Tinted(double spread)
        {
            string path = Path.Combine(Folder, $"bands-{spread}.png");
            double[] width = [spread, spread, spread, spread];
            Figures.LinesWithBands(path, "bands", "x", "y", xs, [("low", low, width), ("high", high, width)]);
            using var image = SKBitmap.Decode(path);
            Assert.That((image.Width, image.Height), Is.EqualTo((800, 500)));
            return image.Pixels.Count(p => Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 10);
        }
        Assert.That(Tinted(5), Is.GreaterThan(2 * Tinted(0)));
    }
}
