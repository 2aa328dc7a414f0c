namespace Msp.Core.Training;

/// <summary>
/// The train_data section of a config: the reference's SequentialMNIST arguments (datasets/seq_mnist.py), parsed.
/// Ranges are [low, high]; velocities of angle and colour are in the reference's units (multiples of π and of half a
/// hue turn per frame), positions in pixels.
/// </summary>
public sealed record DataConfig(
    string Name,
    string Root,
    int Frames,
    int MaxFrames,
    (float Low, float High) AngleVelocity,
    (float Low, float High) AngleAcceleration,
    (float Low, float High) ColorVelocity,
    (float Low, float High) ColorAcceleration,
    (float Low, float High) Position,
    (float Low, float High) TranslationAcceleration,
    int[] ActiveActions,
    bool OnlyDigit4,
    bool Background)
{
    /// <summary>The root value that selects the digits shipped inside Msp.</summary>
    public const string EmbeddedRoot = "embedded";
}
