using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>
/// Sums of a whole tensor to a scalar []. Summed in fixed chunks, then the chunk sums in fixed chunks, and so on
/// (ReductionKernels), so the result is bit-identical on every run of one device: training is reproducible.
/// </summary>
public static class Reductions
{
    /// <summary>Σ x over every element of x (any shape) → []. The sum of nothing is 0.</summary>
    public static Tensor Sum(Tensor x)
    {
        var y = SumOfPartials(PartialSums(x));
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => SumBackward(yGrad, x.GradForAccumulation()));
        return y;
    }

    private static void SumBackward(Tensor yGrad, Tensor xGrad)
    {
        if (xGrad.Device is IlgpuDevice gpu)
            ReductionKernels.SumBackward(gpu.Accelerator, yGrad.View, xGrad.View);
        else
            ReductionKernels.SumBackward(yGrad.Span, xGrad.Span);
    }

    /// <summary>Σ x / size → []: the sum scaled, with the scaling's gradient.</summary>
    public static Tensor Mean(Tensor x) => Elementwise.Scale(Sum(x), 1f / x.Size);

    /// <summary>Σ x² over every element of x → [], in one pass (no squared copy of x).</summary>
    public static Tensor SumOfSquares(Tensor x)
    {
        var partials = Tensor.Empty(PartialsShape(x), x.Device);
        if (x.Device is IlgpuDevice gpu)
            ReductionKernels.PartialSumsOfSquares(gpu.Accelerator, x.View, partials.View);
        else
            ReductionKernels.PartialSumsOfSquares(x.Span, partials.Span);
        var y = SumOfPartials(partials);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => SumOfSquaresBackward(x, yGrad, x.GradForAccumulation()));
        return y;
    }

    private static void SumOfSquaresBackward(Tensor x, Tensor yGrad, Tensor xGrad)
    {
        if (x.Device is IlgpuDevice gpu)
            ReductionKernels.SumOfSquaresBackward(gpu.Accelerator, x.View, yGrad.View, xGrad.View);
        else
            ReductionKernels.SumOfSquaresBackward(x.Span, yGrad.Span, xGrad.Span);
    }

    // One partial sum per chunk: [chunks], or the scalar [] itself once a single chunk is left.
    private static Tensor PartialSums(Tensor x)
    {
        var partials = Tensor.Empty(PartialsShape(x), x.Device);
        if (x.Device is IlgpuDevice gpu)
            ReductionKernels.PartialSums(gpu.Accelerator, x.View, partials.View);
        else
            ReductionKernels.PartialSums(x.Span, partials.Span);
        return partials;
    }

    private static Tensor SumOfPartials(Tensor partials)
    {
        while (partials.Shape.Rank != 0)
            partials = PartialSums(partials);
        return partials;
    }

    private static Shape PartialsShape(Tensor x)
    {
        int chunks = ReductionKernels.ChunkCount(x.Size);
        return chunks == 1 ? new Shape() : new Shape(chunks);
    }
}
