using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// The neural-transition baseline (reference SeqAENeuralTransition with Conv1d1x1Encoder): an autoregressive network in
/// latent space. The last T_cond latents, rearranged 'n t m a → n (t a) m', pass through 1×1 convolutions along the
/// dim_m axis (conv → 2 residual blocks → layer norm → ReLU → conv, 128 hidden channels) to the next latent
/// [n, 1, m, a]; the window then slides by one frame. There is no transition matrix to analyse or swap.
/// </summary>
public sealed class NeuralTransition : Module, ILatentDynamics
{
    /// <summary>The reference Conv1d1x1Encoder's dim_hidden.</summary>
    public const int HiddenChannels = 128;

    private readonly PointwiseConvLayer _input, _output;
    private readonly PointwiseResBlock[] _blocks;
    private readonly LayerNormLayer _norm;

    public NeuralTransition(IDevice device, Rng rng, NetworkConfig config, int conditioningFrames) : base(device)
    {
        if (conditioningFrames < 1)
            throw new ArgumentException($"The neural transition needs at least one conditioning frame, got {conditioningFrames}.");
        Config = config;
        ConditioningFrames = conditioningFrames;
        // Indices are the reference nn.Sequential's: 3 and 5 are rearranges and 6 the activation, which hold no weights.
        _input = AddChild("ar.0", new PointwiseConvLayer(device, rng, conditioningFrames * config.DimA, HiddenChannels, WeightInit.PyTorchDefault, standardize: false));
        _blocks = [AddChild("ar.1", new PointwiseResBlock(device, rng, HiddenChannels, HiddenChannels)),
                   AddChild("ar.2", new PointwiseResBlock(device, rng, HiddenChannels, HiddenChannels))];
        _norm = AddChild("ar.4", new LayerNormLayer(device, HiddenChannels));
        _output = AddChild("ar.7", new PointwiseConvLayer(device, rng, HiddenChannels, config.DimA, WeightInit.PyTorchDefault, standardize: false));
    }

    public NetworkConfig Config { get; }

    /// <summary>How many latents the network reads (the reference's T_cond model argument).</summary>
    public int ConditioningFrames { get; }

    /// <summary>The next latent [n, 1, m, a] from the window H [n, T_cond, m, a].</summary>
    public Tensor Next(Tensor window)
    {
        var (n, t, m, a) = LeastSquaresTransition.Dims(window);
        if (t != ConditioningFrames || m != Config.DimM || a != Config.DimA)
            throw new ArgumentException($"The neural transition reads [n, {ConditioningFrames}, {Config.DimM}, {Config.DimA}] latents, got {window.Shape}.");
        // 'n t m a → n (t a) m' with one row per (n, m) position: [n·m, t·a].
        var rows = Shapes.Reshape(Layout.Permute(window, 0, 2, 1, 3), n * m, t * a);
        var hidden = _input.Forward(rows);
        foreach (var block in _blocks)
            hidden = block.Forward(hidden);
        var next = _output.Forward(_norm.ForwardRelu(hidden));
        return Shapes.Reshape(next, n, 1, m, a);
    }

    public bool HasTransitionMatrix => false;

    public LatentForecast Infer(Tensor xsCond, Tensor h) => new NeuralForecast(h, this);
}

/// <summary>The forecast of <see cref="NeuralTransition"/>: the latent window and the network that extends it.</summary>
public sealed class NeuralForecast(Tensor h, NeuralTransition network) : LatentForecast(h)
{
    public override Tensor? Transition => null;

    public override Tensor Rollout(int rolls)
    {
        CheckRolls(rolls);
        var window = H;
        var frames = new List<Tensor>(rolls);
        for (int k = 0; k < rolls; k++)
        {
            var next = network.Next(window);
            frames.Add(next);
            window = window.Shape[1] == 1 ? next : Layout.Concat([Layout.Slice(window, 1, 1, window.Shape[1] - 1), next], axis: 1);
        }
        return frames.Count == 1 ? frames[0] : Layout.Concat(frames, axis: 1);
    }

    public override LatentForecast? WithTransitions(Func<Tensor, Tensor> permute) => null;

    /// <summary>The reference reports zeros for this model's regularisers; Msp leaves them out.</summary>
    public override LatentReport? Diagnose() => null;
}
