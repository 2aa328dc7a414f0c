using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// nn.Conv1d(in, out, kernel_size=1) applied to rows: each position of the reference's [n, in, length] input is one row
/// of x [rows, in], so the convolution is one matrix product. The weight keeps PyTorch's shape [out, in, 1] (and, when
/// weight-standardised, its parametrization name), so checkpoints match the reference's.
/// </summary>
public sealed class PointwiseConvLayer : Module
{
    public PointwiseConvLayer(IDevice device, Rng rng, int inChannels, int outChannels, WeightInit init, bool standardize) : base(device)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Standardize = standardize;
        var shape = new Shape(outChannels, inChannels, 1);
        float[] weight = Init.Weight(init, rng, shape);
        Bias = AddParameter("bias", new Shape(outChannels), Init.BiasDefault(rng, outChannels, inChannels));
        Weight = AddParameter(standardize ? "parametrizations.weight.original" : "weight", shape, weight);
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public bool Standardize { get; }

    /// <summary>The raw weight [out, in, 1].</summary>
    public Tensor Weight { get; }

    public Tensor Bias { get; }

    /// <summary>x [rows, in] → [rows, out].</summary>
    public Tensor Forward(Tensor x)
    {
        var weight = Standardize ? WeightStandardization.Apply(Weight) : Weight;
        return MatMul.Linear(x, Shapes.Reshape(weight, OutChannels, InChannels), Bias);
    }
}
