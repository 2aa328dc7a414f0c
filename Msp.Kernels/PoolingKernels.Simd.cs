using System.Diagnostics;

namespace Msp.Kernels;

/// <summary>
/// 2×2 block sums and 2×2 block copies, the two directions between a fine and a coarse grid (see
/// <see cref="PoolingShape"/>): the managed half, coarse rows spread over the cores. Average pooling is a block sum
/// (alpha ¼) and its backward a block copy; nearest upsampling is a block copy and its backward a block sum.
/// As in <see cref="ElementwiseKernels.ScaleAdd(ReadOnlySpan{float}, float, float, Span{float})"/>, the destination
/// becomes alpha·(...) + beta·destination and beta = 0 never reads it.
/// </summary>
public static unsafe partial class PoolingKernels
{
    private const int MinCoarsePerTask = 1 << 13;

    /// <summary>coarse = alpha·(sum of the 2×2 fine block, row by row) + beta·coarse. fine [Planes, 2H, 2W], coarse [Planes, H, W].</summary>
    public static void SumBlocks(ReadOnlySpan<float> fine, PoolingShape shape, float alpha, float beta, Span<float> coarse)
    {
        Debug.Assert(fine.Length == shape.FineSize && coarse.Length == shape.CoarseSize);
        fixed (float* fp = fine, cp = coarse)
        {
            nint fa = (nint)fp, ca = (nint)cp;
            CpuParallel.For(shape.Planes * shape.Height, RowsPerTask(shape), (start, end) =>
            {
                int width = shape.Width, fineWidth = shape.FineWidth;
                for (int row = start; row < end; row++)
                {
                    // Coarse row `row` (plane·H + r) sits over fine rows 2·row and 2·row + 1 of the flattened planes.
                    float* top = (float*)fa + 2L * row * fineWidth, bottom = top + fineWidth, c = (float*)ca + (long)row * width;
                    for (int j = 0; j < width; j++)
                    {
                        float sum = top[2 * j] + top[2 * j + 1] + bottom[2 * j] + bottom[2 * j + 1];
                        c[j] = beta == 0f ? alpha * sum : alpha * sum + beta * c[j];
                    }
                }
            });
        }
    }

    /// <summary>fine = alpha·(the coarse cell above) + beta·fine. coarse [Planes, H, W], fine [Planes, 2H, 2W].</summary>
    public static void SpreadBlocks(ReadOnlySpan<float> coarse, PoolingShape shape, float alpha, float beta, Span<float> fine)
    {
        Debug.Assert(fine.Length == shape.FineSize && coarse.Length == shape.CoarseSize);
        fixed (float* fp = fine, cp = coarse)
        {
            nint fa = (nint)fp, ca = (nint)cp;
            CpuParallel.For(shape.Planes * shape.Height, RowsPerTask(shape), (start, end) =>
            {
                int width = shape.Width, fineWidth = shape.FineWidth;
                for (int row = start; row < end; row++)
                {
                    float* c = (float*)ca + (long)row * width, top = (float*)fa + 2L * row * fineWidth;
                    for (int half = 0; half < 2; half++)
                    {
                        float* f = top + half * fineWidth;
                        for (int j = 0; j < fineWidth; j++)
                            f[j] = beta == 0f ? alpha * c[j >> 1] : alpha * c[j >> 1] + beta * f[j];
                    }
                }
            });
        }
    }

    private static int RowsPerTask(PoolingShape shape) => Math.Max(1, MinCoarsePerTask / Math.Max(1, shape.Width));
}
