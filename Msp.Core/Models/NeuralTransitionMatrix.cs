using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// The Neural M* baseline (reference SeqAENeuralM): instead of solving for M, a second ResNet encoder <c>M_net</c>
/// reads the conditioning frames stacked along the channels ([n, T_cond·c, s, s]) and outputs M [n, a, a], scaled by
/// 0.01 so that the initial M is small (the reference's initial_scale_M). The rollout is linear, H_{t+1} = H_t M.
/// </summary>
public sealed class NeuralTransitionMatrix : Module, ILatentDynamics
{
    /// <summary>The reference's initial_scale_M.</summary>
    public const float OutputScale = 0.01f;

    private readonly Encoder _network;

    public NeuralTransitionMatrix(IDevice device, Rng rng, NetworkConfig config, int conditioningFrames) : base(device)
    {
        if (conditioningFrames < 1)
            throw new ArgumentException($"Neural M* needs at least one conditioning frame, got {conditioningFrames}.");
        Config = config;
        ConditioningFrames = conditioningFrames;
        _network = AddChild("M_net", new Encoder(device, rng, conditioningFrames * config.ChannelsX, config.ImageSize,
            config.DimA * config.DimA, config.WidthFactor, config.BlockCount));
    }

    public NetworkConfig Config { get; }

    /// <summary>T_cond: M_net's input has this many frames' channels, so it reads exactly this many frames.</summary>
    public int ConditioningFrames { get; }

    /// <summary>M [n, a, a] from xsCond [n, T_cond, c, s, s] (the reference's get_M).</summary>
    public Tensor TransitionOf(Tensor xsCond)
    {
        var s = xsCond.Shape;
        if (s.Rank != 5 || s[1] != ConditioningFrames)
            throw new ArgumentException($"Neural M* was built for {ConditioningFrames} conditioning frames [n, {ConditioningFrames}, c, h, w], got {s}.");
        var stacked = Shapes.Reshape(xsCond, s[0], s[1] * s[2], s[3], s[4]);
        var m = Elementwise.Scale(_network.Forward(stacked), OutputScale);
        return Shapes.Reshape(m, s[0], Config.DimA, Config.DimA);
    }

    public bool HasTransitionMatrix => true;

    public LatentForecast Infer(Tensor xsCond, Tensor h) => new LinearForecast(h, TransitionOf(xsCond));
}
