using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>Pointwise nonlinearities: ReLU, sigmoid, abs. Each backward sits under its forward.</summary>
public static class Activations
{
    /// <summary>y = max(x, 0), any shape. Backward needs only y (y &gt; 0 ⇔ x &gt; 0).</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.Empty(x.Shape, x.Device);
        if (x.Device is IlgpuDevice gpu)
            ElementwiseKernels.Relu(gpu.Accelerator, x.View, y.View);
        else
            ElementwiseKernels.Relu(x.Span, y.Span);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => ReluBackward(y, yGrad, x.GradForAccumulation()));
        return y;
    }

    private static void ReluBackward(Tensor y, Tensor yGrad, Tensor xGrad)
    {
        if (y.Device is IlgpuDevice gpu)
            ElementwiseKernels.ReluBackward(gpu.Accelerator, y.View, yGrad.View, xGrad.View);
        else
            ElementwiseKernels.ReluBackward(y.Span, yGrad.Span, xGrad.Span);
    }

    /// <summary>y = 1 / (1 + e^−x), any shape. Backward needs only y: dy/dx = y (1 − y).</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        var y = Tensor.Empty(x.Shape, x.Device);
        if (x.Device is IlgpuDevice gpu)
            ElementwiseKernels.Sigmoid(gpu.Accelerator, x.View, y.View);
        else
            ElementwiseKernels.Sigmoid(x.Span, y.Span);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => SigmoidBackward(y, yGrad, x.GradForAccumulation()));
        return y;
    }

    private static void SigmoidBackward(Tensor y, Tensor yGrad, Tensor xGrad)
    {
        if (y.Device is IlgpuDevice gpu)
            ElementwiseKernels.SigmoidBackward(gpu.Accelerator, y.View, yGrad.View, xGrad.View);
        else
            ElementwiseKernels.SigmoidBackward(y.Span, yGrad.Span, xGrad.Span);
    }

    /// <summary>y = |x|, any shape, with d|x|/dx = sign(x) and 0 at 0 (PyTorch's choice). Backward needs x.</summary>
    public static Tensor Abs(Tensor x)
    {
        var y = Tensor.Empty(x.Shape, x.Device);
        if (x.Device is IlgpuDevice gpu)
            ElementwiseKernels.Abs(gpu.Accelerator, x.View, y.View);
        else
            ElementwiseKernels.Abs(x.Span, y.Span);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => AbsBackward(x, yGrad, x.GradForAccumulation()));
        return y;
    }

    private static void AbsBackward(Tensor x, Tensor yGrad, Tensor xGrad)
    {
        if (x.Device is IlgpuDevice gpu)
            ElementwiseKernels.AbsBackward(gpu.Accelerator, x.View, yGrad.View, xGrad.View);
        else
            ElementwiseKernels.AbsBackward(x.Span, yGrad.Span, xGrad.Span);
    }
}
