using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>Whether a residual block halves (encoder) or doubles (decoder) the spatial size.</summary>
public enum Resample
{
    Down,
    Up,
}

/// <summary>
/// The reference's residual <c>Block</c> (models/resblock.py), with its parameter names:
/// residual = c2(relu(b2(c1(pe(up?(relu(b1(x))))))) then avg-pool if down; shortcut = c_sc(pe(up?(x))) then avg-pool if down.
/// c1, c2 are weight-standardised 3×3 convs (xavier, gain √2); c_sc a plain 1×1 conv (xavier, gain 1); b1, b2 group norms.
/// </summary>
public sealed class ResBlock : Module
{
    private readonly GroupNormLayer _b1, _b2;
    private readonly Conv2dLayer _c1, _c2, _shortcut;
    private readonly PositionalEmbedding2d? _embedding;

    /// <param name="outputSize">Spatial size of the block's output (the size at which the embedding, if any, is added).</param>
    public ResBlock(IDevice device, Rng rng, int inChannels, int outChannels, int hiddenChannels, Resample resample,
        bool positionalEmbedding, int outputSize) : base(device)
    {
        Resample = resample;
        int convInputs = inChannels + (positionalEmbedding ? PositionalEmbedding2d.Channels : 0);
        if (positionalEmbedding)
        {
            // In the reference the embedding is created lazily at the size it first sees: after upsampling for 'up'.
            int size = resample == Resample.Up ? outputSize : outputSize * 2;
            _embedding = AddChild("pe", new PositionalEmbedding2d(device, size, size));
        }
        _c1 = AddChild("c1", new Conv2dLayer(device, rng, convInputs, hiddenChannels, 3, WeightInit.XavierRelu, standardize: true));
        _c2 = AddChild("c2", new Conv2dLayer(device, rng, hiddenChannels, outChannels, 3, WeightInit.XavierRelu, standardize: true));
        _b1 = AddChild("b1", GroupNormLayer.Standard(device, inChannels));
        _b2 = AddChild("b2", GroupNormLayer.Standard(device, hiddenChannels));
        _shortcut = AddChild("c_sc", new Conv2dLayer(device, rng, convInputs, outChannels, 1, WeightInit.XavierLinear, standardize: false));
    }

    public Resample Resample { get; }

    /// <summary>[n, in, s, s] → [n, out, s/2, s/2] (down) or [n, out, 2s, 2s] (up).</summary>
    public Tensor Forward(Tensor x) => Elementwise.Add(Residual(x), Shortcut(x));

    private Tensor Residual(Tensor x)
    {
        var h = _b1.ForwardRelu(x);
        if (Resample == Resample.Up)
            h = Pooling.Upsample2(h);
        h = WithEmbedding(h);
        h = _b2.ForwardRelu(_c1.Forward(h));
        h = _c2.Forward(h);
        return Resample == Resample.Down ? Pooling.AvgPool2(h) : h;
    }

    private Tensor Shortcut(Tensor x)
    {
        if (Resample == Resample.Up)
            return _shortcut.Forward(WithEmbedding(Pooling.Upsample2(x)));
        if (_embedding is not null)
            return Pooling.AvgPool2(_shortcut.Forward(_embedding.Forward(x)));
        // Reference order is conv 1×1 then 2×2 average pool. Both are linear and the pool's weights sum to one, so
        // pooling first gives the same map (bias included) at a quarter of the convolution's cost.
        return _shortcut.Forward(WithEmbedding(Pooling.AvgPool2(x)));
    }

    private Tensor WithEmbedding(Tensor x) => _embedding is null ? x : _embedding.Forward(x);
}
