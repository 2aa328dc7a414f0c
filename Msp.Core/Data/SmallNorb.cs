namespace Msp.Core.Data;

/// <summary>
/// NYU's SmallNORB as the reference's datasets/small_norb.py uses it: for each split 24,300 grey 96×96 images of
/// 5 categories × 5 instances × 6 lightings × 9 elevations (30°–70° in steps of 5°) × 18 azimuths (0°–340° in steps
/// of 20°), from one camera of the stereo pair. Elevation and azimuth walk; category, instance and lighting are held,
/// each drawn uniformly per sequence. The training and test splits hold different instances.
/// </summary>
public static class SmallNorb
{
    public const int ImageSide = 96;
    public const int Channels = 1;

    /// <summary>The reference's assert on the sequence length.</summary>
    public const int MaxFrames = 6;

    /// <summary>Sequences per training epoch (the reference's __len__) and in Msp's held-out set.</summary>
    public const int TrainSequences = 5000, TestSequences = 500;

    /// <summary>The reference's default_active_actions: elevation and azimuth.</summary>
    public static readonly int[] DefaultActiveFactors = [3, 4];

    public static FactorGrid Grid { get; } = new([("category", 5), ("instance", 5), ("lighting", 6), ("elevation", 9), ("azimuth", 18)]);

    public static double ElevationDegrees(int index) => 30 + 5 * index;

    public static double AzimuthDegrees(int index) => 20 * index;

    public static FactorRole[] Roles { get; } =
    [
        FactorRole.Hold(0, 1, 2, 3, 4), FactorRole.Hold(0, 1, 2, 3, 4), FactorRole.Hold(0, 1, 2, 3, 4, 5), FactorRole.Walk, FactorRole.Walk,
    ];

    public static FactorSequences Sequences(IFactorImages images, DatasetSplit split, int frames, IReadOnlySet<int> activeFactors,
        bool sharedTransition = false) =>
        new(images, Roles, frames, activeFactors, split == DatasetSplit.Train ? TrainSequences : TestSequences, sharedTransition);
}
