using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>
/// The reference's WeightStandarization parametrisation of every ResBlock convolution (utils/weight_standarization.py):
/// w' = (w − mean_o) / (std_o + 1e-5) per output channel o, std unbiased, over all of w[o, ...].
/// </summary>
public static class WeightStandardization
{
    /// <summary>weight [out, ...] (rank ≥ 2, at least two values per output channel) → standardized, same shape.
    /// Saves the per-channel std [out] for backward, which also needs the output.</summary>
    public static Tensor Apply(Tensor weight)
    {
        const string op = nameof(WeightStandardization) + "." + nameof(Apply);
        if (weight.Shape.Rank < 2 || weight.Shape.SizeOf(1, weight.Shape.Rank) < 2)
            throw new ArgumentException($"{op}: weight must be [out, ...] with at least two values per output channel " +
                                        $"(the std is unbiased), got shape {weight.Shape}.");
        var shape = new WeightStandardizationShape(weight.Shape[0], weight.Shape.SizeOf(1, weight.Shape.Rank));
        var y = Tensor.Empty(weight.Shape, weight.Device);
        var std = Tensor.Empty(new Shape(shape.Rows), weight.Device);
        if (weight.Device is IlgpuDevice gpu)
            WeightStandardizationKernels.Forward(gpu.Accelerator, weight.View, shape, y.View, std.View);
        else
            WeightStandardizationKernels.Forward(weight.Span, shape, y.Span, std.Span);
        if (Tape.NeedsGrad(weight))
            Tape.Record(y, yGrad => Backward(y, std, yGrad, shape, weight.GradForAccumulation()));
        return y;
    }

    private static void Backward(Tensor y, Tensor std, Tensor yGrad, WeightStandardizationShape shape, Tensor weightGrad)
    {
        if (y.Device is IlgpuDevice gpu)
            WeightStandardizationKernels.Backward(gpu.Accelerator, y.View, std.View, yGrad.View, shape, weightGrad.View);
        else
            WeightStandardizationKernels.Backward(y.Span, std.Span, yGrad.Span, shape, weightGrad.Span);
    }
}
