namespace Msp.Core.Data;

/// <summary>
/// DeepMind's 3DShapes as the reference's datasets/three_dim_shapes.py uses it: 480,000 images of 64×64 RGB, one per
/// combination of six factors (floor_hue 10, wall_hue 10, object_hue 10, scale 8, shape 4, orientation 15, in that
/// storage order). Floor, wall and object hue, scale and orientation walk; the shape is held: the cube (0) in the
/// training split, one of cylinder, sphere and capsule (1–3) in the test split.
/// </summary>
public static class ThreeDimShapes
{
    public const int ImageSide = 64;
    public const int Channels = 3;

    /// <summary>The reference's assert: longer sequences would leave factors with too few values to walk.</summary>
    public const int MaxFrames = 8;

    /// <summary>Sequences per training epoch (the reference's __len__) and in Msp's held-out set.</summary>
    public const int TrainSequences = 5000, TestSequences = 500;

    public const int ShapeFactor = 4;

    /// <summary>The reference's default_active_actions: every factor but the shape.</summary>
    public static readonly int[] DefaultActiveFactors = [0, 1, 2, 3, 5];

    public static FactorGrid Grid { get; } = new([("floor_hue", 10), ("wall_hue", 10), ("object_hue", 10), ("scale", 8), ("shape", 4), ("orientation", 15)]);

    /// <summary>The values of each factor as the file's labels store them: hues 0, 0.1, …, 0.9; scale linspace(0.75, 1.25, 8);
    /// shape 0–3 (cube, cylinder, sphere, capsule); orientation linspace(−30, 30, 15) degrees.</summary>
    public static double LabelValue(int factor, int index) => factor switch
    {
        0 or 1 or 2 => index / 10.0,
        3 => 0.75 + index * (0.5 / 7),
        4 => index,
        5 => -30 + index * (60.0 / 14),
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, "3DShapes has factors 0..5."),
    };

    /// <summary>Walk every factor but the shape; hold the shape at the split's values.</summary>
    public static FactorRole[] Roles(DatasetSplit split) =>
    [
        FactorRole.Walk, FactorRole.Walk, FactorRole.Walk, FactorRole.Walk,
        split == DatasetSplit.Train ? FactorRole.Hold(0) : FactorRole.Hold(1, 2, 3),
        FactorRole.Walk,
    ];

    /// <summary>Sequences of the reference's split: train=True (the cube) or train=False (the other shapes).</summary>
    public static FactorSequences Sequences(IFactorImages images, DatasetSplit split, int frames, IReadOnlySet<int> activeFactors,
        bool sharedTransition = false) =>
        new(images, Roles(split), frames, activeFactors, split == DatasetSplit.Train ? TrainSequences : TestSequences, sharedTransition);

    /// <summary>
    /// Msp's evaluation set: <see cref="TestSequences"/> sequences of the cube, as the reference's notebooks
    /// (extrp, equivariance_error, block_diagonalization) evaluate 3DShapes with train=True. The sequences are new draws
    /// (the evaluation seeds differ from training's), but their frames come from the same 120,000 cube images.
    /// </summary>
    public static FactorSequences Evaluation(IFactorImages images, int frames, IReadOnlySet<int> activeFactors) =>
        new(images, Roles(DatasetSplit.Train), frames, activeFactors, TestSequences);
}
