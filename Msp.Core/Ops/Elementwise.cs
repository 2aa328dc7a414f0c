using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>Linear pointwise ops: add, scale, and the gradient accumulation they all reduce to (y = αx + βy).</summary>
public static class Elementwise
{
    /// <summary>y = a + b for tensors of one shape (the residual add).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        Check.SameShape(a, b, nameof(Add));
        var y = Tensor.Empty(a.Shape, a.Device);
        if (a.Device is IlgpuDevice gpu)
            ElementwiseKernels.Add(gpu.Accelerator, a.View, b.View, y.View);
        else
            ElementwiseKernels.Add(a.Span, b.Span, y.Span);
        if (Tape.NeedsGrad(a, b))
            Tape.Record(y, yGrad =>
            {
                if (a.RequiresGrad)
                    Accumulate(yGrad, 1f, a.GradForAccumulation());
                if (b.RequiresGrad)
                    Accumulate(yGrad, 1f, b.GradForAccumulation());
            });
        return y;
    }

    /// <summary>y = a − b for tensors of one shape.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        Check.SameShape(a, b, nameof(Subtract));
        var y = Tensor.Empty(a.Shape, a.Device);
        a.Device.Copy(a.Storage, y.Storage);
        AxpyInPlace(b, -1f, 1f, y);
        if (Tape.NeedsGrad(a, b))
            Tape.Record(y, yGrad =>
            {
                if (a.RequiresGrad)
                    Accumulate(yGrad, 1f, a.GradForAccumulation());
                if (b.RequiresGrad)
                    Accumulate(yGrad, -1f, b.GradForAccumulation());
            });
        return y;
    }

    /// <summary>y = alpha · x.</summary>
    public static Tensor Scale(Tensor x, float alpha)
    {
        var y = Tensor.Empty(x.Shape, x.Device);
        AxpyInPlace(x, alpha, 0f, y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => Accumulate(yGrad, alpha, x.GradForAccumulation()));
        return y;
    }

    /// <summary>target += alpha · source: how every backward adds a gradient contribution.</summary>
    internal static void Accumulate(Tensor source, float alpha, Tensor target) => AxpyInPlace(source, alpha, 1f, target);

    /// <summary>y = alpha · x + beta · y, in place, no tape.</summary>
    internal static void AxpyInPlace(Tensor x, float alpha, float beta, Tensor y)
    {
        if (x.Size != y.Size)
            throw new ArgumentException($"axpy of {x.Shape} into {y.Shape}.");
        if (x.Device is IlgpuDevice gpu)
            ElementwiseKernels.ScaleAdd(gpu.Accelerator, x.View, alpha, beta, y.View);
        else
            ElementwiseKernels.ScaleAdd(x.Span, alpha, beta, y.Span);
    }
}
