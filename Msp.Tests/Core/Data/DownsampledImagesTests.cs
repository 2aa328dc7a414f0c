using Msp.Core.Data;
using Msp.Core.Training;

namespace Msp.Tests.Core.Data;

public sealed class DownsampledImagesTests
{
    /// <summary>A 6×6 two-channel image whose pixel (c, y, x) is 100c + 10y + x, for any factor values.</summary>
    private sealed class Ramp : IFactorImages
    {
        public FactorGrid Grid { get; } = new([("only", 1)]);

        public int Channels => 2;

        public int Size => 6;

        public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
        {
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 6; y++)
                    for (int x = 0; x < 6; x++)
                        image[(c * 6 + y) * 6 + x] = 100 * c + 10 * y + x;
        }
    }

    [Test]
    public void Each_pixel_is_the_mean_of_its_block()
    {
        var images = DownsampledImages.To(new Ramp(), 2);
        var image = new float[2 * 2 * 2];
        images.Render([0], image);
        // Block (Y, X) of 3×3 has mean 10·(3Y + 1) + (3X + 1), plus 100 per channel.
        Assert.That(image, Is.EqualTo(new float[] { 11, 14, 41, 44, 111, 114, 141, 144 }).Within(1e-4f));
    }

    [Test]
    public void The_same_size_is_the_source_itself_and_a_size_that_does_not_divide_is_rejected()
    {
        var ramp = new Ramp();
        Assert.That(DownsampledImages.To(ramp, 6), Is.SameAs(ramp));
        Assert.That(() => DownsampledImages.To(ramp, 4), Throws.TypeOf<ConfigException>().With.Message.Contains("does not divide 6"));
    }
}
