using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Whole-tensor sums: the managed SIMD half. x is cut into fixed chunks of <see cref="ChunkLength"/> floats whatever
/// the device or core count, each chunk is summed on one thread, and the op sums the partial sums the same way
/// until one value is left; so a sum is bit-identical from run to run. partials [ChunkCount(x.Length)].
/// </summary>
public static unsafe partial class ReductionKernels
{
    public const int ChunkLength = 4096;

    // Eight chunks (32K floats) per task at least: fewer are not worth a Parallel.For.
    private const int MinChunksPerTask = 8;

    private const int MinPerTask = 1 << 15;

    /// <summary>Number of partial sums for <paramref name="length"/> floats (one, holding 0, for none).</summary>
    public static int ChunkCount(int length) => Math.Max(1, (length + ChunkLength - 1) / ChunkLength);

    /// <summary>partials[k] = Σ x over chunk k.</summary>
    public static void PartialSums(ReadOnlySpan<float> x, Span<float> partials)
    {
        Debug.Assert(partials.Length == ChunkCount(x.Length));
        int length = x.Length;
        fixed (float* xp = x, pp = partials)
        {
            nint xa = (nint)xp, pa = (nint)pp;
            CpuParallel.For(partials.Length, MinChunksPerTask, (start, end) =>
            {
                for (int k = start; k < end; k++)
                    ((float*)pa)[k] = SimdSums.Sum((float*)xa + k * ChunkLength, ChunkSize(length, k));
            });
        }
    }

    /// <summary>partials[k] = Σ x² over chunk k.</summary>
    public static void PartialSumsOfSquares(ReadOnlySpan<float> x, Span<float> partials)
    {
        Debug.Assert(partials.Length == ChunkCount(x.Length));
        int length = x.Length;
        fixed (float* xp = x, pp = partials)
        {
            nint xa = (nint)xp, pa = (nint)pp;
            CpuParallel.For(partials.Length, MinChunksPerTask, (start, end) =>
            {
                for (int k = start; k < end; k++)
                    ((float*)pa)[k] = SimdSums.SumOfSquaredDeviations((float*)xa + k * ChunkLength, ChunkSize(length, k), 0f);
            });
        }
    }

    /// <summary>xGrad += sumGrad[0] everywhere (d Σx / dx = 1). sumGrad [] stays where it lives, so no device sync.</summary>
    public static void SumBackward(ReadOnlySpan<float> sumGrad, Span<float> xGrad)
    {
        float g = sumGrad[0];
        fixed (float* dp = xGrad)
        {
            nint da = (nint)dp;
            CpuParallel.For(xGrad.Length, MinPerTask, (start, end) =>
            {
                float* d = (float*)da;
                var vg = Vector256.Create(g);
                int i = start;
                for (; i <= end - 8; i += 8)
                    Vector256.Store(Vector256.Load(d + i) + vg, d + i);
                for (; i < end; i++)
                    d[i] += g;
            });
        }
    }

    /// <summary>xGrad += 2·sumGrad[0]·x (d Σx² / dx = 2x).</summary>
    public static void SumOfSquaresBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> sumGrad, Span<float> xGrad) =>
        ElementwiseKernels.ScaleAdd(x, 2f * sumGrad[0], 1f, xGrad);

    private static int ChunkSize(int length, int chunk) => Math.Min(ChunkLength, length - chunk * ChunkLength);
}
