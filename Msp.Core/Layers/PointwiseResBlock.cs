using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// The reference's Conv1d1x1Block (models/resblock.py) on rows [rows, channels]:
/// residual = c2(relu(norm2(c1(relu(norm1(x)))))), shortcut = c_sc(x). c1 and c2 are weight-standardised 1×1 convs
/// (xavier, gain √2), c_sc a plain one (xavier, gain 1), norm1 and norm2 layer norms over the channels.
/// </summary>
public sealed class PointwiseResBlock : Module
{
    private readonly PointwiseConvLayer _c1, _c2, _shortcut;
    private readonly LayerNormLayer _norm1, _norm2;

    public PointwiseResBlock(IDevice device, Rng rng, int inChannels, int outChannels) : base(device)
    {
        _c1 = AddChild("c1", new PointwiseConvLayer(device, rng, inChannels, outChannels, WeightInit.XavierRelu, standardize: true));
        _c2 = AddChild("c2", new PointwiseConvLayer(device, rng, outChannels, outChannels, WeightInit.XavierRelu, standardize: true));
        _norm1 = AddChild("norm1", new LayerNormLayer(device, inChannels));
        _norm2 = AddChild("norm2", new LayerNormLayer(device, outChannels));
        _shortcut = AddChild("c_sc", new PointwiseConvLayer(device, rng, inChannels, outChannels, WeightInit.XavierLinear, standardize: false));
    }

    /// <summary>[rows, in] → [rows, out].</summary>
    public Tensor Forward(Tensor x) =>
        Elementwise.Add(_c2.Forward(_norm2.ForwardRelu(_c1.Forward(_norm1.ForwardRelu(x)))), _shortcut.Forward(x));
}
