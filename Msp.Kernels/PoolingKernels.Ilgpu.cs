using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>2×2 block sums and copies: the ILGPU half, one thread per destination cell. Shapes as in the SIMD half.</summary>
public static partial class PoolingKernels
{
    private static void SumBlocksKernel(Index1D i, ArrayView<float> fine, PoolingShape shape, float alpha, float beta, ArrayView<float> coarse)
    {
        int row = i / shape.Width, column = i - row * shape.Width;
        int topLeft = 2 * row * shape.FineWidth + 2 * column;
        float sum = fine[topLeft] + fine[topLeft + 1] + fine[topLeft + shape.FineWidth] + fine[topLeft + shape.FineWidth + 1];
        coarse[i] = beta == 0f ? alpha * sum : alpha * sum + beta * coarse[i];
    }

    public static void SumBlocks(Accelerator accelerator, ArrayView<float> fine, PoolingShape shape, float alpha, float beta,
        ArrayView<float> coarse)
    {
        if (shape.CoarseSize == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SumBlocksKernel, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            PoolingShape, float, float, ArrayView<float>>(SumBlocksKernel));
        kernel(shape.CoarseSize, fine, shape, alpha, beta, coarse);
    }

    private static void SpreadBlocksKernel(Index1D i, ArrayView<float> coarse, PoolingShape shape, float alpha, float beta, ArrayView<float> fine)
    {
        // Fine rows 2·r and 2·r + 1 of the flattened planes both lie under coarse row r.
        int fineRow = i / shape.FineWidth, fineColumn = i - fineRow * shape.FineWidth;
        float value = alpha * coarse[fineRow / 2 * shape.Width + fineColumn / 2];
        fine[i] = beta == 0f ? value : value + beta * fine[i];
    }

    public static void SpreadBlocks(Accelerator accelerator, ArrayView<float> coarse, PoolingShape shape, float alpha, float beta,
        ArrayView<float> fine)
    {
        if (shape.FineSize == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SpreadBlocksKernel, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            PoolingShape, float, float, ArrayView<float>>(SpreadBlocksKernel));
        kernel(shape.FineSize, coarse, shape, alpha, beta, fine);
    }
}
