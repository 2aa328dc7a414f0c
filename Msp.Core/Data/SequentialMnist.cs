using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Data;

/// <summary>
/// Sequential MNIST (the reference's datasets/seq_mnist.py): an MNIST digit, shrunk to 24×24 and padded to 32×32,
/// that rotates, changes hue and translates with constant velocity (or acceleration) over T frames. Output is
/// float32 [T, 3, 32, 32] per sequence, channel-first, values in [0, 1]. The random draws follow the reference's
/// formulas and order, but come from <see cref="Rng"/> (one stream per sequence, derived from seed, step and batch
/// position) instead of NumPy's global generator, so batches are reproducible whatever the thread count.
/// </summary>
public sealed class SequentialMnist : ISharedTransitionDataset
{
    public const int ImageSide = 32;
    public const int Channels = 3;
    public const int FrameSize = Channels * ImageSide * ImageSide;

    /// <summary>How the embedded digits are split (their file order is already shuffled): the first 800 of the
    /// 980 fours train and the last 180 test; with all digits, the first 8000 of 10,000 train and the last 2000 test.</summary>
    public const int EmbeddedTrainFours = 800;
    public const int EmbeddedTrainDigits = 8000;

    private const int DigitSide = 24;
    private const int Border = (ImageSide - DigitSide) / 2;
    private const int PixelsPerImage = ImageSide * ImageSide;

    /// <summary>Sequential MNIST's factors and the reference's action index of each (active_actions).</summary>
    public static readonly (string Name, int Action)[] Factors = [("rotation", 0), ("hue", 1), ("translation", 2)];

    /// <summary>Digits as the reference's train/test sets give them, filtered to the 4s when the config says so; with
    /// <paramref name="backgrounds"/>, MNIST-bg: digit i pasted over background i.</summary>
    public SequentialMnist(SequentialMnistConfig config, MnistDigits digits, MnistBackgrounds? backgrounds = null)
    {
        config.Validate();
        Config = config;
        Backgrounds = backgrounds;
        Digits = config.OnlyUseDigit4 ? digits.WithLabel(4) : digits;
        if (Digits.Count == 0)
            throw new ArgumentException($"Sequential MNIST has no digits to draw from (OnlyUseDigit4 = {config.OnlyUseDigit4}).");
    }

    /// <summary>The embedded digits' <paramref name="split"/>, as documented at <see cref="EmbeddedTrainFours"/>.</summary>
    public static SequentialMnist FromEmbedded(SequentialMnistConfig config, DatasetSplit split, MnistBackgrounds? backgrounds = null)
    {
        var all = MnistDigits.LoadEmbedded();
        var pool = config.OnlyUseDigit4 ? all.WithLabel(4) : all;
        int trainCount = config.OnlyUseDigit4 ? EmbeddedTrainFours : EmbeddedTrainDigits;
        var digits = split == DatasetSplit.Train ? pool.Slice(0, trainCount) : pool.Slice(trainCount, pool.Count - trainCount);
        return new SequentialMnist(config, digits, backgrounds);
    }

    public SequentialMnistConfig Config { get; }

    public bool SharedTransition => Config.SharedTransition;

    public string[] DescribeTransitions(ReadOnlySpan<int> items, ulong seed, long step) =>
        DrawBatch(items, seed, step).Select(p => p.Transition.ToString()).ToArray();

    /// <summary>MNIST-bg's background images; null for plain Sequential MNIST.</summary>
    public MnistBackgrounds? Backgrounds { get; }

    /// <summary>The same digits and backgrounds under another config (e.g. with a shared transition).</summary>
    public SequentialMnist With(SequentialMnistConfig config) => new(config, Digits, Backgrounds);

    public MnistDigits Digits { get; }

    public int Count => Digits.Count;

    public int Frames => Config.FrameCount;

    int ISequenceDataset.Channels => Channels;

    public int Height => ImageSide;

    public int Width => ImageSide;

    /// <summary>Floats in one sequence: [T, 3, 32, 32].</summary>
    public int SequenceSize => Config.FrameCount * FrameSize;

    /// <summary>The random stream of batch position <paramref name="position"/> at <paramref name="step"/>
    /// (position −1: the batch's shared transition). Independent of the order sequences are generated in.</summary>
    public static Rng SequenceRng(ulong seed, long step, int position) => SequenceRandom.For(seed, step, position);

    /// <summary>A transition drawn as init_shared_transition_parameters draws it: angle velocity and acceleration,
    /// hue velocity and acceleration, start and end positions (for the velocity), translation acceleration.</summary>
    public SequenceTransition DrawTransition(Rng rng)
    {
        var (angleVelocity, angleAcceleration, colorVelocity, colorAcceleration) = DrawRates(rng);
        var start = DrawPosition(rng);
        var end = DrawPosition(rng);
        return new SequenceTransition(angleVelocity, angleAcceleration, colorVelocity, colorAcceleration,
            Velocity(start, end), DrawPair(rng, Config.TranslationAcceleration));
    }

    /// <summary>
    /// The parameters of one sequence of digit <paramref name="digitIndex"/>, drawn as the reference's __getitem__
    /// draws them: angle₀ ∈ [0, 2π), hue₀ ∈ [0, 1), start and end positions, then (unless the transition is shared)
    /// the angle and hue rates and the translation acceleration.
    /// </summary>
    public SequenceParameters DrawSequence(Rng rng, int digitIndex, SequenceTransition? sharedTransition)
    {
        if ((uint)digitIndex >= (uint)Digits.Count)
            throw new ArgumentOutOfRangeException(nameof(digitIndex), digitIndex, $"There are {Digits.Count} digits.");
        double angle0 = rng.Uniform(0, 2 * Math.PI);
        double color0 = rng.Uniform(0, 1);
        var start = DrawPosition(rng);
        var end = DrawPosition(rng);
        var transition = sharedTransition;
        if (transition is null)
        {
            var (angleVelocity, angleAcceleration, colorVelocity, colorAcceleration) = DrawRates(rng);
            transition = new SequenceTransition(angleVelocity, angleAcceleration, colorVelocity, colorAcceleration,
                Velocity(start, end), DrawPair(rng, Config.TranslationAcceleration));
        }
        return new SequenceParameters(digitIndex, angle0, color0, start, transition);
    }

    /// <summary>The parameters <see cref="FillBatch"/> renders for these digits at this seed and step.</summary>
    public SequenceParameters[] DrawBatch(ReadOnlySpan<int> digitIndices, ulong seed, long step)
    {
        var shared = Config.SharedTransition ? DrawTransition(SequenceRng(seed, step, -1)) : null;
        var parameters = new SequenceParameters[digitIndices.Length];
        for (int b = 0; b < parameters.Length; b++)
            parameters[b] = DrawSequence(SequenceRng(seed, step, b), digitIndices[b], shared);
        return parameters;
    }

    /// <summary>Renders a batch in parallel: <paramref name="batch"/> is [digitIndices.Length, T, 3, 32, 32].</summary>
    public unsafe void FillBatch(ReadOnlySpan<int> digitIndices, ulong seed, long step, Span<float> batch)
    {
        long expected = (long)digitIndices.Length * SequenceSize;
        if (batch.Length != expected)
            throw new ArgumentException($"FillBatch: batch holds {batch.Length} floats, expected {digitIndices.Length} x {SequenceSize}.");
        var parameters = DrawBatch(digitIndices, seed, step);
        fixed (float* pointer = batch)
        {
            nint address = (nint)pointer;
            CpuParallel.For(parameters.Length, minPerChunk: 1, (start, end) =>
            {
                for (int b = start; b < end; b++)
                    Render(parameters[b], new Span<float>((float*)address + (long)b * SequenceSize, SequenceSize));
            });
        }
    }

    /// <summary>
    /// Renders one sequence into <paramref name="sequence"/> [T, 3, 32, 32]. Frame t: the digit warped by
    /// get_RTmat(0, 0, angle_t, 32, 32, x_t, y_t) with cv2.warpPerspective, times the RGB of hue_t, over 255;
    /// with backgrounds, composited over the digit's background image.
    /// </summary>
    public void Render(SequenceParameters parameters, Span<float> sequence)
    {
        if (sequence.Length != SequenceSize)
            throw new ArgumentException($"Render: sequence holds {sequence.Length} floats, expected {SequenceSize} ([{Config.FrameCount}, 3, 32, 32]).");
        Span<float> digit = stackalloc float[PixelsPerImage];
        PreparedDigit(parameters.DigitIndex, digit);
        Span<float> warped = stackalloc float[PixelsPerImage];
        Span<float> background = Backgrounds is null ? [] : stackalloc float[MnistBackgrounds.ImageSize];
        Backgrounds?.Fill(parameters.DigitIndex, background);
        var transition = parameters.Transition;
        var actions = Config.ActiveActions;
        for (int t = 0; t < Config.FrameCount; t++)
        {
            double angle = actions.HasFlag(SequenceActions.Rotation)
                ? Quadratic(transition.AngleAcceleration, transition.AngleVelocity, parameters.Angle0, t)
                : parameters.Angle0;
            double hue = actions.HasFlag(SequenceActions.Color)
                ? ModuloOne(Quadratic(transition.ColorAcceleration, transition.ColorVelocity, parameters.Color0, t))
                : parameters.Color0;
            var (x, y) = parameters.Position0;
            if (actions.HasFlag(SequenceActions.Translation))
            {
                x = Quadratic(transition.PositionAcceleration.X, transition.PositionVelocity.X, x, t);
                y = Quadratic(transition.PositionAcceleration.Y, transition.PositionVelocity.Y, y, t);
            }
            var homography = ImageOps.RotationTranslation(angle, ImageSide, ImageSide, x, y);
            ImageOps.WarpPerspective(digit, ImageSide, ImageSide, homography, warped);
            var frame = sequence.Slice(t * FrameSize, FrameSize);
            ImageOps.Colorize(warped, hue, frame);
            if (Backgrounds is not null)
                MnistBackgrounds.Composite(background, frame);
        }
    }

    /// <summary>The reference's still image: resize(digit as float32 0..255, [24, 24]), then a 4-pixel zero border.</summary>
    private void PreparedDigit(int digitIndex, Span<float> padded)
    {
        var image = Digits.Image(digitIndex);
        Span<float> source = stackalloc float[MnistDigits.PixelsPerImage];
        for (int i = 0; i < source.Length; i++)
            source[i] = image[i];
        Span<float> resized = stackalloc float[DigitSide * DigitSide];
        ImageOps.Resize(source, MnistDigits.Side, MnistDigits.Side, resized, DigitSide, DigitSide);
        ImageOps.PadWithZeros(resized, DigitSide, DigitSide, Border, padded);
    }

    /// <summary>½·a·t² + v·t + x₀, evaluated in the reference's order.</summary>
    private static double Quadratic(double acceleration, double velocity, double start, int t) =>
        0.5 * acceleration * (t * t) + velocity * t + start;

    /// <summary>NumPy's x % 1 (fmod, then shifted into [0, 1) for negative x; may round up to exactly 1).</summary>
    private static double ModuloOne(double x)
    {
        double remainder = x % 1.0;
        return remainder < 0 ? remainder + 1.0 : remainder == 0 ? 0.0 : remainder;
    }

    private (double, double, double, double) DrawRates(Rng rng)
    {
        double angleVelocity = rng.Uniform(Math.PI * Config.AngleVelocityRatio.Low, Math.PI * Config.AngleVelocityRatio.High);
        double angleAcceleration = rng.Uniform(Math.PI * Config.AngleAccelerationRatio.Low, Math.PI * Config.AngleAccelerationRatio.High);
        double colorVelocity = 0.5 * rng.Uniform(Config.ColorVelocityRatio.Low, Config.ColorVelocityRatio.High);
        double colorAcceleration = 0.5 * rng.Uniform(Config.ColorAccelerationRatio.Low, Config.ColorAccelerationRatio.High);
        return (angleVelocity, angleAcceleration, colorVelocity, colorAcceleration);
    }

    private (double X, double Y) DrawPosition(Rng rng) => DrawPair(rng, Config.Position);

    private static (double X, double Y) DrawPair(Rng rng, Interval range)
    {
        double x = rng.Uniform(range.Low, range.High);
        return (x, rng.Uniform(range.Low, range.High));
    }

    private (double X, double Y) Velocity((double X, double Y) start, (double X, double Y) end) =>
        ((end.X - start.X) / (Config.MaxFrameCount - 1), (end.Y - start.Y) / (Config.MaxFrameCount - 1));
}
