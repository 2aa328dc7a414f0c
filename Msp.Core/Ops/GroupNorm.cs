using ILGPU;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>
/// nn.GroupNorm(groups, channels, eps, affine=True), and the same fused with the ReLU that follows every group norm in
/// the reference ResNet (models/resblock.py, models/base_networks.py). Variance is biased, as PyTorch's.
/// </summary>
public static class GroupNorm
{
    /// <summary>y = (x − mean)·rstd·weight[c] + bias[c], statistics per (sample, group of channels).
    /// x [n, c, ...] (rank ≥ 2), weight and bias [c]; y like x. Saves mean and rstd [n, groups] for backward.</summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor bias, int groups, float epsilon = 1e-5f) =>
        Normalize(x, weight, bias, groups, epsilon, float.NegativeInfinity, nameof(GroupNorm) + "." + nameof(Forward));

    /// <summary>relu(<see cref="Forward"/>(x, ...)) in one pass. Backward passes gradients only where y &gt; 0.</summary>
    public static Tensor ForwardRelu(Tensor x, Tensor weight, Tensor bias, int groups, float epsilon = 1e-5f) =>
        Normalize(x, weight, bias, groups, epsilon, 0f, nameof(GroupNorm) + "." + nameof(ForwardRelu));

    // floor: the value the output is clamped from below at (−∞: none, 0: ReLU); backward masks where it clamped.
    private static Tensor Normalize(Tensor x, Tensor weight, Tensor bias, int groups, float epsilon, float floor, string op)
    {
        var shape = Validate(x, weight, bias, groups, epsilon, op);
        var y = Tensor.Empty(x.Shape, x.Device);
        var mean = Tensor.Empty(new Shape(shape.Batch, groups), x.Device);
        var rstd = Tensor.Empty(new Shape(shape.Batch, groups), x.Device);
        if (x.Device is IlgpuDevice gpu)
            GroupNormKernels.Forward(gpu.Accelerator, x.View, weight.View, bias.View, shape, epsilon, floor, y.View, mean.View, rstd.View);
        else
            GroupNormKernels.Forward(x.Span, weight.Span, bias.Span, shape, epsilon, floor, y.Span, mean.Span, rstd.Span);
        if (Tape.NeedsGrad(x, weight, bias))
            Tape.Record(y, yGrad => Backward(x, weight, bias, mean, rstd, shape, floor, yGrad));
        return y;
    }

    // Standard group-norm backward (see GroupNormKernels.Backward) through per-(sample, channel) sums that also give
    // weightGrad = Σ dy·x̂ and biasGrad = Σ dy, summed over the batch in a fixed order.
    private static void Backward(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor rstd, GroupNormShape shape, float floor,
        Tensor yGrad)
    {
        var channelSums = Tensor.Empty(new Shape(2, shape.Batch, shape.Channels), x.Device);
        var xGrad = x.RequiresGrad ? x.GradForAccumulation() : null;
        var weightGrad = weight.RequiresGrad ? weight.GradForAccumulation() : null;
        var biasGrad = bias.RequiresGrad ? bias.GradForAccumulation() : null;
        if (x.Device is IlgpuDevice gpu)
        {
            GroupNormKernels.Backward(gpu.Accelerator, x.View, yGrad.View, weight.View, bias.View, mean.View, rstd.View, shape, floor,
                xGrad?.View ?? ArrayView<float>.Empty, channelSums.View);
            if (weightGrad is not null || biasGrad is not null)
                GroupNormKernels.BackwardParameters(gpu.Accelerator, channelSums.View, shape,
                    weightGrad?.View ?? ArrayView<float>.Empty, biasGrad?.View ?? ArrayView<float>.Empty);
        }
        else
        {
            GroupNormKernels.Backward(x.Span, yGrad.Span, weight.Span, bias.Span, mean.Span, rstd.Span, shape, floor,
                xGrad is null ? [] : xGrad.Span, channelSums.Span);
            if (weightGrad is not null || biasGrad is not null)
                GroupNormKernels.BackwardParameters(channelSums.Span, shape, weightGrad is null ? [] : weightGrad.Span,
                    biasGrad is null ? [] : biasGrad.Span);
        }
    }

    private static GroupNormShape Validate(Tensor x, Tensor weight, Tensor bias, int groups, float epsilon, string op)
    {
        if (x.Shape.Rank < 2)
            throw new ArgumentException($"{op}: x must be [n, c, ...] (rank ≥ 2), got shape {x.Shape}.");
        int channels = x.Shape[1];
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"{op}: {channels} channels (x {x.Shape}) cannot be split into {groups} equal groups.");
        if (weight.Shape != new Shape(channels) || bias.Shape != new Shape(channels))
            throw new ArgumentException($"{op}: weight {weight.Shape} and bias {bias.Shape} must both be [{channels}] for x {x.Shape}.");
        if (!(epsilon >= 0f))
            throw new ArgumentException($"{op}: epsilon must be non-negative, got {epsilon}.");
        Check.SameDevice(x, weight, op);
        Check.SameDevice(x, bias, op);
        return new GroupNormShape(x.Shape[0], channels, groups, x.Shape.SizeOf(2, x.Shape.Rank));
    }
}
