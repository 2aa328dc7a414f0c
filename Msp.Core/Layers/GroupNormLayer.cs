using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>nn.GroupNorm(groups, channels) with affine weight (ones) and bias (zeros), eps 1e-5.</summary>
public sealed class GroupNormLayer : Module
{
    public GroupNormLayer(IDevice device, int groups, int channels) : base(device)
    {
        if (channels % groups != 0)
            throw new ArgumentException($"GroupNorm: {channels} channels do not split into {groups} groups.");
        Groups = groups;
        Weight = AddParameter("weight", new Shape(channels), Init.Ones(channels));
        Bias = AddParameter("bias", new Shape(channels), Init.Zeros(channels));
    }

    /// <summary>The reference's choice everywhere: min(32, channels) groups.</summary>
    public static GroupNormLayer Standard(IDevice device, int channels) => new(device, Math.Min(32, channels), channels);

    public int Groups { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public Tensor Forward(Tensor x) => GroupNorm.Forward(x, Weight, Bias, Groups);

    /// <summary>relu(groupnorm(x)) in one fused pass: the reference always follows its group norms with ReLU.</summary>
    public Tensor ForwardRelu(Tensor x) => GroupNorm.ForwardRelu(x, Weight, Bias, Groups);
}
