using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// nn.LayerNorm(features) on rows x [rows, features]: per row, (x − mean)·rstd·weight + bias with the biased variance
/// and eps 1e-5. That is exactly a group norm with one group over a [rows, features] input, so it reuses that op.
/// </summary>
public sealed class LayerNormLayer : Module
{
    public LayerNormLayer(IDevice device, int features) : base(device)
    {
        Features = features;
        Weight = AddParameter("weight", new Shape(features), Init.Ones(features));
        Bias = AddParameter("bias", new Shape(features), Init.Zeros(features));
    }

    public int Features { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    /// <summary>relu(layernorm(x)): in the reference every layer norm is followed by its activation.</summary>
    public Tensor ForwardRelu(Tensor x) => GroupNorm.ForwardRelu(x, Weight, Bias, groups: 1);
}
