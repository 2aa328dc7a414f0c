namespace Msp.Core.Data;

/// <summary>
/// The image operations of the Sequential MNIST generator. Each reproduces what the reference's library call
/// computes (scikit-image 0.19.3 resize on SciPy 1.10, OpenCV 4.6 copyMakeBorder and warpPerspective, Python's
/// colorsys), in the same arithmetic and operation order, not the textbook operation: the aim is the reference's
/// pixels, bit for bit. Images are single-channel float32, [height, width], row-major.
/// </summary>
public static class ImageOps
{
    /// <summary>OpenCV's sub-pixel grid for interpolated warps: source coordinates are rounded to 1/32 pixel.</summary>
    private const int InterpolationTableSize = 32;
    private const int InterpolationBits = 5;

    /// <summary>
    /// skimage.transform.resize(image, [height, width]) with its defaults (order 1, mode 'reflect', clip, anti-aliasing
    /// when downsampling) for a downsampling factor in [1, 1.25) per axis, e.g. 28 → 24. skimage first blurs with a
    /// Gaussian of σ = (factor − 1)/2, but SciPy truncates the kernel at radius int(4σ + 0.5), which is 0 below 1.25:
    /// the blur is the identity there. It then calls ndimage.zoom with grid_mode: output pixel o samples
    /// c = (o + 0.5)·factor − 0.5 bilinearly (always inside the image for these factors), summing the four taps in
    /// double and rounding once to float. Finally it clips to the input's [min, max].
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int sourceHeight, int sourceWidth,
        Span<float> destination, int height, int width)
    {
        CheckImage(source, sourceHeight, sourceWidth, nameof(source));
        CheckImage(destination, height, width, nameof(destination));
        double factorY = (double)sourceHeight / height, factorX = (double)sourceWidth / width;
        if (factorY is < 1 or >= 1.25 || factorX is < 1 or >= 1.25)
            throw new ArgumentException(
                $"Resize reproduces skimage only for downsampling factors in [1, 1.25), where its anti-aliasing blur is the identity; "
                + $"{sourceHeight}x{sourceWidth} → {height}x{width} needs factors {factorY:G4} and {factorX:G4}.");

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in source)
        {
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
        }
        for (int oy = 0; oy < height; oy++)
        {
            var (y0, y1, weightY0, weightY1) = LinearTaps(oy, factorY, sourceHeight);
            for (int ox = 0; ox < width; ox++)
            {
                var (x0, x1, weightX0, weightX1) = LinearTaps(ox, factorX, sourceWidth);
                double sum = 0;
                sum += source[y0 * sourceWidth + x0] * weightY0 * weightX0;
                sum += source[y0 * sourceWidth + x1] * weightY0 * weightX1;
                sum += source[y1 * sourceWidth + x0] * weightY1 * weightX0;
                sum += source[y1 * sourceWidth + x1] * weightY1 * weightX1;
                destination[oy * width + ox] = Math.Clamp((float)sum, min, max);
            }
        }
    }

    /// <summary>ndimage's order-1 spline taps and weights for output index <paramref name="o"/>. The upper tap is
    /// clamped into the image: it lies outside only when its weight is exactly 0.</summary>
    private static (int Low, int High, double WeightLow, double WeightHigh) LinearTaps(int o, double factor, int size)
    {
        double c = (o + 0.5) * factor - 0.5;
        double start = Math.Floor(c);
        double t = c - start;
        int low = (int)start;
        return (low, Math.Min(low + 1, size - 1), 1.0 - t, t);
    }

    /// <summary>cv2.copyMakeBorder(image, b, b, b, b, BORDER_CONSTANT, 0): destination is
    /// [height + 2·border, width + 2·border].</summary>
    public static void PadWithZeros(ReadOnlySpan<float> source, int height, int width, int border, Span<float> destination)
    {
        CheckImage(source, height, width, nameof(source));
        int paddedWidth = width + 2 * border;
        CheckImage(destination, height + 2 * border, paddedWidth, nameof(destination));
        destination.Clear();
        for (int y = 0; y < height; y++)
            source.Slice(y * width, width).CopyTo(destination[((y + border) * paddedWidth + border)..]);
    }

    /// <summary>
    /// The reference's get_RTmat(0, 0, γ, width, height, dx, dy) (utils/misc.py): A2·T·R_z(γ)·A1, a rotation by γ
    /// about the image centre and a shift by (dx, dy), seen through a pinhole at focal length f = d / (2 sin γ)
    /// (f = d when sin γ = 0), d the image diagonal. With θ = φ = 0 the product collapses to
    ///   [ f cos γ   −f sin γ   f (a + dx) + (w/2)(1 + f) ]      a = −(w/2) cos γ + (h/2) sin γ
    ///   [ f sin γ    f cos γ   f (b + dy) + (h/2)(1 + f) ]      b = −(w/2) sin γ − (h/2) cos γ
    ///   [ 0          0         1 + f                     ]
    /// i.e. the rotation and shift scaled about the centre by f/(1 + f), which is below 1 for sin γ &gt; 0 and above 1
    /// for sin γ &lt; 0: the reference's digits breathe as they turn. Each entry is evaluated in the order NumPy's
    /// matrix products produce it; for 32×32 this matches get_RTmat bit for bit given the same sin and cos.
    /// </summary>
    public static Homography RotationTranslation(double gamma, int width, int height, double dx, double dy)
    {
        double sin = Math.Sin(gamma), cos = Math.Cos(gamma);
        double diagonal = Math.Sqrt((double)height * height + (double)width * width);
        double f = diagonal / (sin != 0 ? 2 * sin : 1);
        double halfWidth = width / 2.0, halfHeight = height / 2.0;
        double a = cos * -halfWidth + -sin * -halfHeight;
        double b = sin * -halfWidth + cos * -halfHeight;
        double onePlusF = 1 + f;
        return new Homography(
            f * cos, f * -sin, f * (a + dx) + halfWidth * onePlusF,
            f * sin, f * cos, f * (b + dy) + halfHeight * onePlusF,
            0, 0, onePlusF);
    }

    /// <summary>
    /// cv2.warpPerspective(image, M, (width, height)) with its defaults: INTER_LINEAR, BORDER_CONSTANT 0, and M mapping
    /// source to destination (OpenCV inverts it). OpenCV's float path is fixed-point in its coordinates: for each
    /// destination pixel it maps back with the inverse, multiplies by 32/w and rounds half-to-even to a 1/32-pixel
    /// grid, then blends the four neighbours with float weights from its 32×32 table, summed in float in tap order.
    /// Taps outside the source read 0. Source and destination are both [height, width].
    /// </summary>
    public static void WarpPerspective(ReadOnlySpan<float> source, int height, int width, Homography sourceToDestination,
        Span<float> destination)
    {
        CheckImage(source, height, width, nameof(source));
        CheckImage(destination, height, width, nameof(destination));
        var m = sourceToDestination.Invert();
        // OpenCV maps rows in blocks of at most 1024 pixels; a block's first column enters the coordinate sum separately.
        int blockHeight = Math.Min(16, height);
        int blockWidth = Math.Min(1024 / blockHeight, width);
        for (int y = 0; y < height; y++)
        {
            for (int blockX = 0; blockX < width; blockX += blockWidth)
            {
                double x0 = m.M00 * blockX + m.M01 * y + m.M02;
                double y0 = m.M10 * blockX + m.M11 * y + m.M12;
                double w0 = m.M20 * blockX + m.M21 * y + m.M22;
                int end = Math.Min(blockX + blockWidth, width);
                for (int x = blockX; x < end; x++)
                {
                    int offset = x - blockX;
                    double w = w0 + m.M20 * offset;
                    w = w != 0 ? InterpolationTableSize / w : 0;
                    int fixedX = RoundToInt((x0 + m.M00 * offset) * w);
                    int fixedY = RoundToInt((y0 + m.M10 * offset) * w);
                    destination[y * width + x] = BilinearTap(source, height, width, fixedX, fixedY);
                }
            }
        }
    }

    /// <summary>cvRound after OpenCV's clamp to the int range: round half to even.</summary>
    private static int RoundToInt(double value) =>
        double.IsNaN(value) ? int.MinValue : (int)Math.Round(Math.Clamp(value, int.MinValue, int.MaxValue));

    /// <summary>OpenCV's remapBilinear for one pixel at fixed-point source position (x/32, y/32).</summary>
    private static float BilinearTap(ReadOnlySpan<float> source, int height, int width, int fixedX, int fixedY)
    {
        int sx = Math.Clamp(fixedX >> InterpolationBits, short.MinValue, short.MaxValue);
        int sy = Math.Clamp(fixedY >> InterpolationBits, short.MinValue, short.MaxValue);
        // The table entries (1 − i/32)·(1 − j/32) etc. are exact in float.
        float fractionX = (fixedX & (InterpolationTableSize - 1)) * (1f / InterpolationTableSize);
        float fractionY = (fixedY & (InterpolationTableSize - 1)) * (1f / InterpolationTableSize);
        float w0 = (1f - fractionY) * (1f - fractionX), w1 = (1f - fractionY) * fractionX;
        float w2 = fractionY * (1f - fractionX), w3 = fractionY * fractionX;
        return PixelOrZero(source, height, width, sy, sx) * w0 + PixelOrZero(source, height, width, sy, sx + 1) * w1
            + PixelOrZero(source, height, width, sy + 1, sx) * w2 + PixelOrZero(source, height, width, sy + 1, sx + 1) * w3;
    }

    private static float PixelOrZero(ReadOnlySpan<float> source, int height, int width, int y, int x) =>
        (uint)y < (uint)height && (uint)x < (uint)width ? source[y * width + x] : 0f;

    /// <summary>colorsys.hsv_to_rgb(hue, 1, 1) as float32, including its arithmetic: the rising ramp is
    /// 1 − (1 − f), not f.</summary>
    public static (float Red, float Green, float Blue) HueToRgb(double hue)
    {
        int sector = (int)(hue * 6.0);
        double f = hue * 6.0 - sector;
        double falling = 1.0 - f, rising = 1.0 - (1.0 - f);
        return (((sector % 6) + 6) % 6) switch
        {
            0 => (1f, (float)rising, 0f),
            1 => ((float)falling, 1f, 0f),
            2 => (0f, 1f, (float)rising),
            3 => (0f, (float)falling, 1f),
            4 => ((float)rising, 0f, 1f),
            _ => (1f, 0f, (float)falling),
        };
    }

    /// <summary>The reference's colouring: grey [height·width] (0..255) times the RGB of <paramref name="hue"/>,
    /// divided by 255, in float32; written channel-first into <paramref name="destination"/> [3, height·width].</summary>
    public static void Colorize(ReadOnlySpan<float> grey, double hue, Span<float> destination)
    {
        if (destination.Length != 3 * grey.Length)
            throw new ArgumentException($"Colorize: destination holds {destination.Length} floats, expected 3 × {grey.Length}.");
        var (red, green, blue) = HueToRgb(hue);
        ReadOnlySpan<float> rgb = [red, green, blue];
        for (int c = 0; c < 3; c++)
        {
            var plane = destination.Slice(c * grey.Length, grey.Length);
            for (int i = 0; i < grey.Length; i++)
                plane[i] = grey[i] * rgb[c] / 255f;
        }
    }

    private static void CheckImage(ReadOnlySpan<float> image, int height, int width, string name)
    {
        if (height <= 0 || width <= 0 || image.Length != height * width)
            throw new ArgumentException($"{name} holds {image.Length} floats, expected a {height}x{width} image.", name);
    }
}
