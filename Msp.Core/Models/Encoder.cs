using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// Φ, the reference ResNetEncoder: conv 3×3 (3 → c) → n down-blocks (c·2^i → c·2^(i+1)) → group norm → ReLU → flatten
/// → linear to <c>latentSize</c>, with c = int(32·k). Parameter names follow the reference (<c>phi.0</c>, <c>phi.1.c1</c>, ...,
/// <c>phi.{n+1}</c> for the final group norm, <c>linear</c>).
/// </summary>
public sealed class Encoder : Module
{
    private readonly Conv2dLayer _stem;
    private readonly ResBlock[] _blocks;
    private readonly GroupNormLayer _norm;
    private readonly LinearLayer _linear;

    public Encoder(IDevice device, Rng rng, int inChannels, int imageSize, int latentSize, float widthFactor, int blockCount)
        : base(device)
    {
        int width = BaseWidth(widthFactor);
        _stem = AddChild("phi.0", new Conv2dLayer(device, rng, inChannels, width, 3, WeightInit.PyTorchDefault, standardize: false));
        _blocks = new ResBlock[blockCount];
        for (int i = 0; i < blockCount; i++)
        {
            int channelsIn = width << i, channelsOut = width << (i + 1);
            _blocks[i] = AddChild($"phi.{i + 1}", new ResBlock(device, rng, channelsIn, channelsOut, channelsOut, Resample.Down,
                positionalEmbedding: false, outputSize: imageSize >> (i + 1)));
        }
        int topChannels = width << blockCount, topSize = imageSize >> blockCount;
        _norm = AddChild($"phi.{blockCount + 1}", GroupNormLayer.Standard(device, topChannels));
        _linear = AddChild("linear", new LinearLayer(device, rng, topChannels * topSize * topSize, latentSize));
    }

    /// <summary>int(32·k): the reference's channel width for width factor k.</summary>
    public static int BaseWidth(float widthFactor)
    {
        int width = (int)(32 * widthFactor);
        if (width < 1)
            throw new ArgumentException($"Width factor k = {widthFactor} gives no channels (int(32·k) = {width}).");
        return width;
    }

    /// <summary>[n, c, s, s] → [n, latentSize].</summary>
    public Tensor Forward(Tensor x)
    {
        var h = _stem.Forward(x);
        foreach (var block in _blocks)
            h = block.Forward(h);
        h = _norm.ForwardRelu(h);
        return _linear.Forward(Shapes.Reshape(h, h.Shape[0], -1));
    }
}
