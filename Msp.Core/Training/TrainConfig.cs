using Msp.Core.Models;

namespace Msp.Core.Training;

/// <summary>Which sequence model a config trains (the reference's model class names).</summary>
public enum ModelKind
{
    /// <summary>SeqAELSTSQ: MSP, M* by least squares.</summary>
    LeastSquares,
}

/// <summary>The model section: the class and its architecture arguments.</summary>
public sealed record ModelConfig(ModelKind Kind, NetworkConfig Network, bool Predictive);

/// <summary>Held-out evaluation at the end of training (Msp's own section; the reference evaluates in notebooks).</summary>
public sealed record EvalConfig(int Sequences, int ConditioningFrames, int Horizon, int BatchSize);

/// <summary>
/// A training run, parsed once from a YAML file with the reference's keys (configs/mnist/lstsq/lstsq.yml and friends).
/// Step counts are iterations of one batch. The learning rate is <see cref="LearningRate"/> until
/// <see cref="LearningRateDecayStep"/>, then a third of it (reference training_loops.loop_seqmodel); the first
/// <see cref="ReconstructionSteps"/> steps train on reconstruction of all frames instead of prediction.
/// </summary>
public sealed record TrainConfig(
    string Source,
    int BatchSize,
    int Seed,
    int MaxIteration,
    int ReportFrequency,
    int ModelSnapshotFrequency,
    int CheckpointFrequency,
    int ConditioningFrames,
    double LearningRate,
    int LearningRateDecayStep,
    int ReconstructionSteps,
    DataConfig TrainData,
    ModelConfig Model,
    EvalConfig Eval)
{
    /// <summary>The YAML text the config was read from (with any command-line overrides noted), saved in the run folder.</summary>
    public string Text { get; init; } = "";

    /// <summary>The learning rate of step <paramref name="step"/> (0-based), in double as the reference's Python floats.</summary>
    public double LearningRateAt(long step) => step >= LearningRateDecayStep ? LearningRate / 3 : LearningRate;

    public bool ReconstructsAt(long step) => step < ReconstructionSteps;
}
