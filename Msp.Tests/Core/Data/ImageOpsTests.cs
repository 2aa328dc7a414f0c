using Msp.Core.Data;

namespace Msp.Tests.Core.Data;

public sealed class ImageOpsTests
{
    [Test]
    public void Resize_samples_at_half_pixel_centres()
    {
        // On a ramp in x, bilinear sampling returns the sampled coordinate itself: (o + 0.5)·28/24 − 0.5.
        var ramp = new float[28 * 28];
        for (int i = 0; i < ramp.Length; i++)
            ramp[i] = i % 28;
        var resized = new float[24 * 24];
        ImageOps.Resize(ramp, 28, 28, resized, 24, 24);
        for (int y = 0; y < 24; y++)
        {
            for (int x = 0; x < 24; x++)
            {
                // Rounded once from double to float: relative error below 2^-24.
                Assert.That(resized[y * 24 + x], Is.EqualTo((x + 0.5) * 28 / 24 - 0.5).Within(3e-6), $"({y}, {x})");
            }
        }
    }

    [Test]
    public void Resize_keeps_a_constant_image_constant()
    {
        var flat = Enumerable.Repeat(123.5f, 28 * 28).ToArray();
        var resized = new float[24 * 24];
        ImageOps.Resize(flat, 28, 28, resized, 24, 24);
        Assert.That(resized, Is.All.EqualTo(123.5f));
    }

    [TestCase(28, 14)]
    [TestCase(28, 32)]
    public void Resize_refuses_factors_where_skimage_would_blur_or_extrapolate(int from, int to)
    {
        var error = Assert.Throws<ArgumentException>(() => ImageOps.Resize(new float[from * from], from, from, new float[to * to], to, to))!;
        Assert.That(error.Message, Does.Contain("[1, 1.25)"));
    }

    [Test]
    public void PadWithZeros_surrounds_the_image()
    {
        float[] image = [1, 2, 3, 4, 5, 6];
        var padded = new float[(2 + 2) * (3 + 2)];
        ImageOps.PadWithZeros(image, 2, 3, 1, padded);
        Assert.That(padded, Is.EqualTo(new float[] { 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0 }));
    }

    [TestCase(0.0, 0.0, 0.0)]
    [TestCase(0.7, 3.0, -2.0)]
    [TestCase(-2.3, -5.5, 7.25)]
    public void RotationTranslation_turns_about_the_centre_scaled_by_f_over_1_plus_f(double gamma, double dx, double dy)
    {
        var homography = ImageOps.RotationTranslation(gamma, 32, 32, dx, dy);
        double sin = Math.Sin(gamma);
        double f = Math.Sqrt(2 * 32 * 32) / (sin != 0 ? 2 * sin : 1);
        double scale = f / (1 + f);
        foreach (var (x, y) in new[] { (16.0, 16.0), (20.0, 16.0), (3.0, 29.0) })
        {
            double expectedX = 16 + scale * (Math.Cos(gamma) * (x - 16) - sin * (y - 16) + dx);
            double expectedY = 16 + scale * (sin * (x - 16) + Math.Cos(gamma) * (y - 16) + dy);
            var (u, v) = homography.Apply(x, y);
            // The closed form and the reference's matrix product differ only by rounding.
            Assert.That(u, Is.EqualTo(expectedX).Within(1e-12), $"x of ({x}, {y})");
            Assert.That(v, Is.EqualTo(expectedY).Within(1e-12), $"y of ({x}, {y})");
        }
    }

    [TestCase(0.4, 2.0, -3.0)]
    [TestCase(-1.9, -6.5, 4.0)]
    [TestCase(3.0, 0.0, 0.0)]
    public void WarpPerspective_moves_a_bright_pixel_where_the_homography_says(double gamma, double dx, double dy)
    {
        var source = new float[32 * 32];
        source[9 * 32 + 12] = 1000;
        var homography = ImageOps.RotationTranslation(gamma, 32, 32, dx, dy);
        var destination = new float[32 * 32];
        ImageOps.WarpPerspective(source, 32, 32, homography, destination);

        var inverse = homography.Invert();
        int lit = 0;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                if (destination[y * 32 + x] == 0)
                    continue;
                lit++;
                // A destination pixel sees the bright source pixel only if its pre-image, rounded to 1/32 pixel, is
                // within one pixel of it.
                var (u, v) = inverse.Apply(x, y);
                Assert.That(Math.Abs(u - 12), Is.LessThan(1 + 1 / 32.0), $"pixel ({y}, {x})");
                Assert.That(Math.Abs(v - 9), Is.LessThan(1 + 1 / 32.0), $"pixel ({y}, {x})");
            }
        }
        Assert.That(lit, Is.InRange(1, 9));
        int brightest = Array.IndexOf(destination, destination.Max());
        var (targetX, targetY) = homography.Apply(12, 9);
        Assert.That(Math.Abs(brightest % 32 - targetX), Is.LessThanOrEqualTo(0.5 + 1 / 32.0));
        Assert.That(Math.Abs(brightest / 32 - targetY), Is.LessThanOrEqualTo(0.5 + 1 / 32.0));
    }

    [Test]
    public void WarpPerspective_fills_with_zeros_outside_the_source()
    {
        var source = Enumerable.Repeat(7f, 32 * 32).ToArray();
        var destination = new float[32 * 32];
        ImageOps.WarpPerspective(source, 32, 32, ImageOps.RotationTranslation(0, 32, 32, 40, 0), destination);
        Assert.That(destination, Is.All.Zero);
        ImageOps.WarpPerspective(source, 32, 32, ImageOps.RotationTranslation(0, 32, 32, 0, 0), destination);
        // Shrunk by 45.25/46.25 about the centre: the middle keeps its value, the rim falls off into the zero border.
        Assert.That(destination[16 * 32 + 16], Is.EqualTo(7f));
        Assert.That(destination[0], Is.LessThan(7f));
    }

    [TestCase(0.0, 1f, 0f, 0f)]
    [TestCase(1.0 / 6, 1f, 1f, 0f)]
    [TestCase(1.0 / 3, 0f, 1f, 0f)]
    [TestCase(0.5, 0f, 1f, 1f)]
    [TestCase(2.0 / 3, 0f, 0f, 1f)]
    [TestCase(0.25, 0.5f, 1f, 0f)]
    [TestCase(0.75, 0.5f, 0f, 1f)]
    [TestCase(1.0, 1f, 0f, 0f)]
    public void HueToRgb_follows_colorsys(double hue, float red, float green, float blue)
    {
        var (r, g, b) = ImageOps.HueToRgb(hue);
        // colorsys at sector boundaries and midpoints is exact in binary, so the values are exact.
        Assert.That((r, g, b), Is.EqualTo((red, green, blue)));
    }

    [Test]
    public void Colorize_scales_grey_by_the_hue_and_255_channel_first()
    {
        float[] grey = [255f, 127.5f];
        var rgb = new float[6];
        ImageOps.Colorize(grey, 0.5, rgb);
        Assert.That(rgb, Is.EqualTo(new float[] { 0f, 0f, 1f, 0.5f, 1f, 0.5f }));
    }
}
