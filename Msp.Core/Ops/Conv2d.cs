using ILGPU;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>2-D convolution, stride 1 with "same" zero padding: the only kind the MSP encoder and decoder use.</summary>
public static class Conv2d
{
    /// <summary>
    /// y [n, cout, h, w] = x [n, cin, h, w] ⋆ weight [cout, cin, k, k] + bias [cout] (null: none), k odd, padding (k−1)/2:
    /// PyTorch's Conv2d(cin, cout, k, padding=(k−1)/2), a cross-correlation. Backward keeps x and weight.
    /// </summary>
    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias)
    {
        var shape = ShapeOf(x, weight, bias);
        var y = Tensor.Empty(new Shape(shape.BatchSize, shape.OutChannels, shape.Height, shape.Width), x.Device);
        if (x.Device is IlgpuDevice gpu)
        {
            using var scratch = new TensorScope();
            Conv2dKernels.Forward(gpu.Accelerator, x.View, weight.View, bias?.View ?? ArrayView<float>.Empty, shape,
                Scratch(gpu, (long)shape.ColumnRows * shape.ColumnCount), Scratch(gpu, shape.OutputSize), y.View);
        }
        else
            Conv2dKernels.Forward(x.Span, weight.Span, bias is null ? default : bias.Span, shape, y.Span);
        if (Tape.NeedsGrad(x, weight, bias))
            Tape.Record(y, yGrad => Backward(x, weight, bias, shape, yGrad));
        return y;
    }

    private static void Backward(Tensor x, Tensor weight, Tensor? bias, Conv2dShape shape, Tensor yGrad)
    {
        if (x.Device is IlgpuDevice gpu)
        {
            BackwardOnAccelerator(gpu, x, weight, bias, shape, yGrad);
            return;
        }
        if (x.RequiresGrad)
            Conv2dKernels.BackwardData(yGrad.Span, weight.Span, shape, x.GradForAccumulation().Span);
        if (weight.RequiresGrad)
            Conv2dKernels.BackwardWeight(x.Span, yGrad.Span, shape, weight.GradForAccumulation().Span);
        if (bias is { RequiresGrad: true })
            Conv2dKernels.BiasBackward(yGrad.Span, shape, bias.GradForAccumulation().Span);
    }

    private static void BackwardOnAccelerator(IlgpuDevice gpu, Tensor x, Tensor weight, Tensor? bias, Conv2dShape shape, Tensor yGrad)
    {
        var accelerator = gpu.Accelerator;
        using var scratch = new TensorScope();
        if (x.RequiresGrad)
            Conv2dKernels.BackwardData(accelerator, yGrad.View, weight.View, shape, Scratch(gpu, shape.WeightSize),
                Scratch(gpu, (long)shape.Transposed().ColumnRows * shape.ColumnCount), Scratch(gpu, shape.InputSize),
                x.GradForAccumulation().View);
        if (weight.RequiresGrad)
            Conv2dKernels.BackwardWeight(accelerator, x.View, yGrad.View, shape, Scratch(gpu, (long)shape.ColumnRows * shape.ColumnCount),
                Scratch(gpu, shape.OutputSize), weight.GradForAccumulation().View);
        if (bias is { RequiresGrad: true })
            Conv2dKernels.BiasBackward(accelerator, yGrad.View, shape, bias.GradForAccumulation().View);
    }

    /// <summary>A pooled device buffer owned by the innermost (scratch) scope.</summary>
    private static ArrayView<float> Scratch(IlgpuDevice gpu, long length)
    {
        if (length > int.MaxValue)
            throw new InvalidOperationException($"Conv2d: a scratch buffer of {length} floats exceeds 2^31; use a smaller batch.");
        return Tensor.Empty(new Shape((int)length), gpu).View;
    }

    private static Conv2dShape ShapeOf(Tensor x, Tensor weight, Tensor? bias)
    {
        const string op = "Conv2d.Forward";
        Check.Rank(x, 4, op, "x");
        Check.Rank(weight, 4, op, "weight");
        Check.SameDevice(x, weight, op);
        int kernelSize = weight.Shape[2];
        if (weight.Shape[3] != kernelSize || kernelSize % 2 == 0)
            throw new ArgumentException($"{op}: weight {weight.Shape} must have an odd square kernel [cout, cin, k, k].");
        if (weight.Shape[1] != x.Shape[1])
            throw new ArgumentException($"{op}: x {x.Shape} has {x.Shape[1]} channels, weight {weight.Shape} expects {weight.Shape[1]}.");
        if (bias is not null)
        {
            Check.SameDevice(x, bias, op);
            if (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0])
                throw new ArgumentException($"{op}: bias {bias.Shape} must be [{weight.Shape[0]}] for weight {weight.Shape}.");
        }
        return new Conv2dShape(x.Shape[0], x.Shape[1], weight.Shape[0], x.Shape[2], x.Shape[3], kernelSize);
    }
}
