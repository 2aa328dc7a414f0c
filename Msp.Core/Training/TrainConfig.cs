using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>Which sequence model a config trains (the reference's model class names).</summary>
public enum ModelKind
{
    /// <summary>SeqAELSTSQ: MSP, M* by least squares.</summary>
    LeastSquares,

    /// <summary>SeqAEMultiLSTSQ: MSP with M* fitted per fixed block of the dim_a axis.</summary>
    FixedBlocks,

    /// <summary>SeqAEHOLSTSQ: second-order MSP (constant acceleration of the latent motion).</summary>
    HigherOrder,

    /// <summary>SeqAENeuralM: M predicted by a second encoder from the conditioning frames.</summary>
    NeuralM,

    /// <summary>SeqAENeuralTransition: an autoregressive network in latent space, no M.</summary>
    NeuralTransition,
}

/// <summary>
/// The model section: the class, its architecture arguments, whether it predicts from the last conditioning frame,
/// and the class's own arguments (K blocks of SeqAEMultiLSTSQ; the conditioning frames that Neural M*'s second
/// encoder and the neural transition read, fixed when they are built).
/// </summary>
public sealed record ModelConfig(ModelKind Kind, NetworkConfig Network, bool Predictive, int Blocks = 1, int ConditioningFrames = 2)
{
    /// <summary>The reference's class name (models/seqae.py) of each kind, as configs name it.</summary>
    public static IReadOnlyDictionary<string, ModelKind> KindsByReferenceClass { get; } = new Dictionary<string, ModelKind>
    {
        ["SeqAELSTSQ"] = ModelKind.LeastSquares,
        ["SeqAEMultiLSTSQ"] = ModelKind.FixedBlocks,
        ["SeqAEHOLSTSQ"] = ModelKind.HigherOrder,
        ["SeqAENeuralM"] = ModelKind.NeuralM,
        ["SeqAENeuralTransition"] = ModelKind.NeuralTransition,
    };

    public string ReferenceClass => KindsByReferenceClass.First(entry => entry.Value == Kind).Key;

    /// <summary>
    /// How many frames of a sequence the model's transition is read from when analysing M (sbd): all of them for the
    /// least-squares fits (the reference's get_M encodes the whole sequence), the T_cond frames Neural M*'s second
    /// encoder was built for.
    /// </summary>
    public int TransitionFrames(int sequenceFrames) => Kind == ModelKind.NeuralM ? ConditioningFrames : sequenceFrames;

    /// <summary>The model, its weights initialised from <paramref name="seed"/>.</summary>
    public SeqAe Build(IDevice device, int seed) => new(device, new Rng((ulong)seed), Network, Dynamics, Predictive);

    private ILatentDynamics Dynamics(IDevice device, Rng rng) => Kind switch
    {
        ModelKind.LeastSquares => new LeastSquaresDynamics(),
        ModelKind.FixedBlocks => new LeastSquaresDynamics(Blocks),
        ModelKind.HigherOrder => new HigherOrderDynamics(),
        ModelKind.NeuralM => new NeuralTransitionMatrix(device, rng, Network, ConditioningFrames),
        ModelKind.NeuralTransition => new NeuralTransition(device, rng, Network, ConditioningFrames),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown model kind."),
    };
}

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
