using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>nn.Linear: [n, in] → [n, out] with weight [out, in] and bias [out], PyTorch's default initialisation.</summary>
public sealed class LinearLayer : Module
{
    public LinearLayer(IDevice device, Rng rng, int inFeatures, int outFeatures) : base(device)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var shape = new Shape(outFeatures, inFeatures);
        Weight = AddParameter("weight", shape, Init.KaimingUniformDefault(rng, shape));
        Bias = AddParameter("bias", new Shape(outFeatures), Init.BiasDefault(rng, outFeatures, inFeatures));
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public Tensor Forward(Tensor x) => MatMul.Linear(x, Weight, Bias);
}
