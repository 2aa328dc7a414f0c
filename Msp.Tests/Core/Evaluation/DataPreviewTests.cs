using Msp.Core.Data;
using Msp.Core.Evaluation;

namespace Msp.Tests.Core.Evaluation;

public sealed class DataPreviewTests
{
    /// <summary>Grey 2×2 images whose pixel f holds factor f's value.</summary>
    private sealed class ValueImages : IFactorImages
    {
        public FactorGrid Grid { get; } = new([("a", 3), ("b", 2), ("c", 4)]);

        public int Channels => 1;

        public int Size => 2;

        public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
        {
            image.Clear();
            for (int f = 0; f < 3; f++)
                image[f] = factorValues[f];
        }
    }

    [Test]
    public void Row_f_sweeps_factor_f_from_the_base_image_and_grey_becomes_rgb()
    {
        int[] baseValues = [1, 0, 2];
        var rows = DataPreview.FactorSweeps(new ValueImages(), baseValues);
        Assert.That(rows.Select(r => r.Count), Is.EqualTo(new[] { 3, 2, 4 }));
        for (int f = 0; f < 3; f++)
            for (int v = 0; v < rows[f].Count; v++)
            {
                var tile = rows[f][v]!;
                Assert.That(tile, Has.Length.EqualTo(3 * 4));
                for (int g = 0; g < 3; g++)
                    for (int c = 0; c < 3; c++)
                        Assert.That(tile[c * 4 + g], Is.EqualTo(g == f ? v : baseValues[g]));
            }
    }
}
