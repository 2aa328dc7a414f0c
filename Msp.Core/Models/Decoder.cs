using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// Ψ, the reference ResNetDecoder: linear (latent → c·2^n) → tile to bottom×bottom → n up-blocks with positional
/// embeddings (c·2^(i+1) → c·2^i) → group norm → ReLU → conv 3×3 (c → channels) → sigmoid, c = int(32·k).
/// Names: <c>linear</c>, <c>net.0</c> … <c>net.{n−1}</c> (blocks), <c>net.n</c> (group norm), <c>net.{n+2}</c> (conv).
/// </summary>
public sealed class Decoder : Module
{
    private readonly LinearLayer _linear;
    private readonly ResBlock[] _blocks;
    private readonly GroupNormLayer _norm;
    private readonly Conv2dLayer _output;

    public Decoder(IDevice device, Rng rng, int latentSize, int outChannels, float widthFactor, int blockCount, int bottomWidth)
        : base(device)
    {
        int width = Encoder.BaseWidth(widthFactor);
        BottomWidth = bottomWidth;
        _linear = AddChild("linear", new LinearLayer(device, rng, latentSize, width << blockCount));
        _blocks = new ResBlock[blockCount];
        for (int j = 0; j < blockCount; j++)
        {
            int i = blockCount - 1 - j;
            _blocks[j] = AddChild($"net.{j}", new ResBlock(device, rng, width << (i + 1), width << i, width << i, Resample.Up,
                positionalEmbedding: true, outputSize: bottomWidth << (j + 1)));
        }
        _norm = AddChild($"net.{blockCount}", GroupNormLayer.Standard(device, width));
        _output = AddChild($"net.{blockCount + 2}", new Conv2dLayer(device, rng, width, outChannels, 3, WeightInit.PyTorchDefault, standardize: false));
    }

    public int BottomWidth { get; }

    /// <summary>[n, latentSize] → [n, channels, bottom·2^n, bottom·2^n] in (0, 1).</summary>
    public Tensor Forward(Tensor latent)
    {
        var h = Layout.TileSpatial(_linear.Forward(latent), BottomWidth, BottomWidth);
        foreach (var block in _blocks)
            h = block.Forward(h);
        return Activations.Sigmoid(_output.Forward(_norm.ForwardRelu(h)));
    }
}
