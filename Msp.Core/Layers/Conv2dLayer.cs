using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>How a convolution's weight is initialised (the reference mixes PyTorch's default with xavier).</summary>
public enum WeightInit
{
    /// <summary>PyTorch's Conv2d/Linear default: kaiming_uniform(a = √5), i.e. U(±1/√fan_in).</summary>
    PyTorchDefault,

    /// <summary>xavier_uniform with gain √2 (the reference Block's c1 and c2).</summary>
    XavierRelu,

    /// <summary>xavier_uniform with gain 1 (the reference Block's 1×1 shortcut c_sc).</summary>
    XavierLinear,
}

/// <summary>
/// A stride-1, same-padding convolution [n, in, h, w] → [n, out, h, w] with bias, optionally weight-standardised
/// (the reference registers WeightStandarization as a parametrization, so its raw weight is saved as
/// <c>parametrizations.weight.original</c>).
/// </summary>
public sealed class Conv2dLayer : Module
{
    public Conv2dLayer(IDevice device, Rng rng, int inChannels, int outChannels, int kernelSize, WeightInit init, bool standardize)
        : base(device)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Standardize = standardize;
        var shape = new Shape(outChannels, inChannels, kernelSize, kernelSize);
        float[] weight = Init.Weight(init, rng, shape);
        Bias = AddParameter("bias", new Shape(outChannels), Init.BiasDefault(rng, outChannels, inChannels * kernelSize * kernelSize));
        Weight = AddParameter(standardize ? "parametrizations.weight.original" : "weight", shape, weight);
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public bool Standardize { get; }

    /// <summary>The raw (unstandardised) weight [out, in, k, k].</summary>
    public Tensor Weight { get; }

    public Tensor Bias { get; }

    /// <summary>The weight the convolution uses this step: standardised once per forward, not once per image.</summary>
    public Tensor EffectiveWeight() => Standardize ? WeightStandardization.Apply(Weight) : Weight;

    public Tensor Forward(Tensor x) => Conv2d.Forward(x, EffectiveWeight(), Bias);
}
