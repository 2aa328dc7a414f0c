namespace Msp.Core.Training;

/// <summary>
/// The train_data section of a config, parsed. For Sequential MNIST these are the reference's SequentialMNIST
/// arguments (datasets/seq_mnist.py): ranges are [low, high]; velocities of angle and colour are in the reference's
/// units (multiples of π and of half a hue turn per frame), positions in pixels. For 3DShapes and SmallNORB only
/// Root, Frames, ActiveActions (factor indices) and ImageSize apply.
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
    /// <summary>The root value that selects the data shipped inside Msp: the embedded digits, or the rendered stand-ins.</summary>
    public const string EmbeddedRoot = "embedded";

    public DatasetKind Kind { get; init; } = DatasetKind.SequentialMnist;

    /// <summary>Side of the frames the model sees, in pixels.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>MNIST-bg: a CIFAR-10 binary file (or folder of them) the backgrounds come from; null for procedural textures.</summary>
    public string? BackgroundImages { get; init; }

    /// <summary>A 3DShapes or SmallNORB section: the Sequential MNIST fields hold neutral values nothing reads.</summary>
    public static DataConfig OfFactors(DatasetKind kind, string name, string root, int frames, int[] activeFactors, int imageSize) =>
        new(name, root, frames, MaxFrames: frames, (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), activeFactors, OnlyDigit4: false, Background: false)
        {
            Kind = kind,
            ImageSize = imageSize,
        };

    /// <summary>Colour channels of a frame: 1 for SmallNORB's grey images, 3 otherwise.</summary>
    public int Channels => Kind == DatasetKind.SmallNorb ? 1 : 3;
}
