using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Weight standardisation as the reference's utils/weight_standarization.py: per output channel o,
/// w' = (w − mean_o) / (std_o + 1e-5) with the unbiased std (n − 1) over all of w[o, ...]. The managed SIMD half, one
/// row per step. Shapes: weight, standardized [Rows, RowLength]; std [Rows] (σ without the 1e-5, saved for backward).
/// </summary>
public static unsafe partial class WeightStandardizationKernels
{
    /// <summary>Added to the std, not to the variance: the reference's choice.</summary>
    public const float Epsilon = 1e-5f;

    private const int MinFloatsPerTask = 1 << 15;

    /// <summary>standardized = (w − mean) / (σ + 1e-5) per row, σ = √(Σ(w − mean)² / (n − 1)) by two passes.</summary>
    public static void Forward(ReadOnlySpan<float> weight, WeightStandardizationShape shape, Span<float> standardized, Span<float> std)
    {
        Debug.Assert(weight.Length == shape.Size && standardized.Length == shape.Size && std.Length == shape.Rows);
        fixed (float* wp = weight, yp = standardized, sp = std)
        {
            nint wa = (nint)wp, ya = (nint)yp, sa = (nint)sp;
            CpuParallel.For(shape.Rows, RowsPerTask(shape), (start, end) =>
            {
                for (int row = start; row < end; row++)
                    ((float*)sa)[row] = ForwardRow((float*)wa + (long)row * shape.RowLength, shape.RowLength, (float*)ya + (long)row * shape.RowLength);
            });
        }
    }

    private static float ForwardRow(float* w, int length, float* y)
    {
        float mean = SimdSums.Sum(w, length) / length;
        float sigma = MathF.Sqrt(SimdSums.SumOfSquaredDeviations(w, length, mean) / (length - 1));
        float divisor = sigma + Epsilon;
        Vector256<float> vm = Vector256.Create(mean), vd = Vector256.Create(divisor);
        int i = 0;
        for (; i <= length - 8; i += 8)
            Vector256.Store((Vector256.Load(w + i) - vm) / vd, y + i);
        for (; i < length; i++)
            y[i] = (w[i] - mean) / divisor;
        return sigma;
    }

    /// <summary>
    /// weightGrad += (g − mean(g)) / (σ + ε) − y·Σ(g·y) / ((n − 1)·σ) per row, g = yGrad, y = standardized: the
    /// derivative through the centring (whose mean term vanishes against Σ(w − mean) = 0) and through σ.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> standardized, ReadOnlySpan<float> std, ReadOnlySpan<float> yGrad,
        WeightStandardizationShape shape, Span<float> weightGrad)
    {
        Debug.Assert(standardized.Length == shape.Size && yGrad.Length == shape.Size && weightGrad.Length == shape.Size);
        fixed (float* yp = standardized, sp = std, gp = yGrad, dp = weightGrad)
        {
            nint ya = (nint)yp, sa = (nint)sp, ga = (nint)gp, da = (nint)dp;
            CpuParallel.For(shape.Rows, RowsPerTask(shape), (start, end) =>
            {
                for (int row = start; row < end; row++)
                {
                    long offset = (long)row * shape.RowLength;
                    BackwardRow((float*)ya + offset, ((float*)sa)[row], (float*)ga + offset, shape.RowLength, (float*)da + offset);
                }
            });
        }
    }

    private static void BackwardRow(float* y, float sigma, float* yGrad, int length, float* weightGrad)
    {
        float meanGrad = SimdSums.Sum(yGrad, length) / length;
        float projection = SimdSums.Dot(yGrad, y, length) / ((length - 1) * sigma);
        float divisor = sigma + Epsilon;
        Vector256<float> vMeanGrad = Vector256.Create(meanGrad), vProjection = Vector256.Create(projection), vd = Vector256.Create(divisor);
        int i = 0;
        for (; i <= length - 8; i += 8)
        {
            var dw = (Vector256.Load(yGrad + i) - vMeanGrad) / vd - Vector256.Load(y + i) * vProjection;
            Vector256.Store(Vector256.Load(weightGrad + i) + dw, weightGrad + i);
        }
        for (; i < length; i++)
            weightGrad[i] += (yGrad[i] - meanGrad) / divisor - y[i] * projection;
    }

    private static int RowsPerTask(WeightStandardizationShape shape) => Math.Max(1, MinFloatsPerTask / Math.Max(1, shape.RowLength));
}
