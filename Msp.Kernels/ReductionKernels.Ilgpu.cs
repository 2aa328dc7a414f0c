using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>Whole-tensor sums: the ILGPU half, one group per chunk (<see cref="RowGroups"/>), the same chunks as the
/// SIMD half. Shapes as there.</summary>
public static partial class ReductionKernels
{
    private static void PartialSumsKernel(ArrayView<float> x, ArrayView<float> partials)
    {
        int chunk = Grid.IdxX, start = chunk * ChunkLength, end = IntrinsicMath.Min(start + ChunkLength, x.IntLength);
        float partial = 0f;
        for (int i = start + Group.IdxX; i < end; i += RowGroups.Size)
            partial += x[i];
        float sum = RowGroups.Sum(partial);
        if (Group.IdxX == 0)
            partials[chunk] = sum;
    }

    public static void PartialSums(Accelerator accelerator, ArrayView<float> x, ArrayView<float> partials) =>
        LaunchChunks(accelerator, PartialSumsKernel, x, partials);

    private static void PartialSumsOfSquaresKernel(ArrayView<float> x, ArrayView<float> partials)
    {
        int chunk = Grid.IdxX, start = chunk * ChunkLength, end = IntrinsicMath.Min(start + ChunkLength, x.IntLength);
        float partial = 0f;
        for (int i = start + Group.IdxX; i < end; i += RowGroups.Size)
            partial += x[i] * x[i];
        float sum = RowGroups.Sum(partial);
        if (Group.IdxX == 0)
            partials[chunk] = sum;
    }

    public static void PartialSumsOfSquares(Accelerator accelerator, ArrayView<float> x, ArrayView<float> partials) =>
        LaunchChunks(accelerator, PartialSumsOfSquaresKernel, x, partials);

    private static void SumBackwardKernel(Index1D i, ArrayView<float> sumGrad, ArrayView<float> xGrad) => xGrad[i] += sumGrad[0];

    public static void SumBackward(Accelerator accelerator, ArrayView<float> sumGrad, ArrayView<float> xGrad)
    {
        if (xGrad.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SumBackwardKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(SumBackwardKernel));
        kernel(xGrad.IntLength, sumGrad, xGrad);
    }

    private static void SumOfSquaresBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> sumGrad, ArrayView<float> xGrad) =>
        xGrad[i] += 2f * sumGrad[0] * x[i];

    public static void SumOfSquaresBackward(Accelerator accelerator, ArrayView<float> x, ArrayView<float> sumGrad, ArrayView<float> xGrad)
    {
        if (x.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SumOfSquaresBackwardKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(SumOfSquaresBackwardKernel));
        kernel(x.IntLength, x, sumGrad, xGrad);
    }

    private static void LaunchChunks(Accelerator accelerator, Action<ArrayView<float>, ArrayView<float>> chunkKernel,
        ArrayView<float> x, ArrayView<float> partials)
    {
        var kernel = KernelCache.Get(accelerator, chunkKernel, a => a.LoadStreamKernel(chunkKernel));
        kernel(RowGroups.Config(partials.IntLength), x, partials);
    }
}
