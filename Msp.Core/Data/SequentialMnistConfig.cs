namespace Msp.Core.Data;

/// <summary>
/// Settings of the Sequential MNIST generator: the arguments of the reference's SequentialMNIST constructor
/// (datasets/seq_mnist.py), whose key each property names, with the same defaults. The reference's label options are
/// not part of this generator, its background images (backgrnd) come as <see cref="MnistBackgrounds"/> beside this
/// config, and its color_off argument is accepted there but never read.
/// </summary>
public sealed record SequentialMnistConfig
{
    /// <summary>Frames per sequence (T).</summary>
    public int FrameCount { get; init; } = 3;

    /// <summary>The horizon of the translation (max_T): a sequence moves from one random position towards another,
    /// covering the distance in max_T − 1 frames, so velocity = (end − start) / (max_T − 1).</summary>
    public int MaxFrameCount { get; init; } = 9;

    /// <summary>Rotation velocity range in units of π radians per frame (max_angle_velocity_ratio).</summary>
    public Interval AngleVelocityRatio { get; init; } = Interval.Symmetric(0.5);

    /// <summary>Rotation acceleration range in units of π radians per frame² (max_angle_accl_ratio).</summary>
    public Interval AngleAccelerationRatio { get; init; } = Interval.Symmetric(0);

    /// <summary>Hue velocity range (max_color_velocity_ratio); the hue turns by half the drawn value per frame.</summary>
    public Interval ColorVelocityRatio { get; init; } = Interval.Symmetric(0.5);

    /// <summary>Hue acceleration range (max_color_accl_ratio), also halved.</summary>
    public Interval ColorAccelerationRatio { get; init; } = Interval.Symmetric(0);

    /// <summary>Range of the start and end positions in pixels, per axis (max_pos).</summary>
    public Interval Position { get; init; } = new(-10, 10);

    /// <summary>Translation acceleration range in pixels per frame², per axis (max_trans_accl).</summary>
    public Interval TranslationAcceleration { get; init; } = Interval.Symmetric(0);

    /// <summary>Which transformations change over time (active_actions; all by default).</summary>
    public SequenceActions ActiveActions { get; init; } = SequenceActions.All;

    /// <summary>Keep only the digits labelled 4 (only_use_digit4), as the paper's experiments do.</summary>
    public bool OnlyUseDigit4 { get; init; }

    /// <summary>All sequences of a batch share one transition (shared_transition), for the equivariance test.</summary>
    public bool SharedTransition { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (FrameCount < 1)
            throw Invalid(nameof(FrameCount), "T", FrameCount, "at least 1");
        if (MaxFrameCount < 2)
            throw Invalid(nameof(MaxFrameCount), "max_T", MaxFrameCount, "at least 2 (the velocity divides by max_T - 1)");
        if ((ActiveActions & ~SequenceActions.All) != 0)
            throw Invalid(nameof(ActiveActions), "active_actions", ActiveActions, "a combination of Rotation, Color and Translation");
        CheckInterval(AngleVelocityRatio, nameof(AngleVelocityRatio), "max_angle_velocity_ratio");
        CheckInterval(AngleAccelerationRatio, nameof(AngleAccelerationRatio), "max_angle_accl_ratio");
        CheckInterval(ColorVelocityRatio, nameof(ColorVelocityRatio), "max_color_velocity_ratio");
        CheckInterval(ColorAccelerationRatio, nameof(ColorAccelerationRatio), "max_color_accl_ratio");
        CheckInterval(Position, nameof(Position), "max_pos");
        CheckInterval(TranslationAcceleration, nameof(TranslationAcceleration), "max_trans_accl");
    }

    private static void CheckInterval(Interval interval, string property, string key)
    {
        if (!double.IsFinite(interval.Low) || !double.IsFinite(interval.High) || interval.Low > interval.High)
            throw Invalid(property, key, interval, "a finite range [low, high] with low <= high");
    }

    private static ArgumentException Invalid(string property, string key, object value, string expected) =>
        new($"Sequential MNIST setting {property} ({key}) is {value}; expected {expected}.");
}
