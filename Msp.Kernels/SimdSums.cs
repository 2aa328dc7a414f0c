using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Vectorised sums over one contiguous run of floats, for the managed twins of the reducing kernels. Each runs on
/// one thread in a fixed order (four 8-lane accumulators, then a fixed horizontal sum), so its result depends only
/// on the data, never on how the caller split the work over cores.
/// </summary>
internal static unsafe class SimdSums
{
    /// <summary>Σ p[i], i in [0, length).</summary>
    public static float Sum(float* p, int length)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int i = 0;
        for (; i <= length - 32; i += 32)
        {
            a0 += Vector256.Load(p + i);
            a1 += Vector256.Load(p + i + 8);
            a2 += Vector256.Load(p + i + 16);
            a3 += Vector256.Load(p + i + 24);
        }
        for (; i <= length - 8; i += 8)
            a0 += Vector256.Load(p + i);
        float sum = Vector256.Sum(a0 + a1 + (a2 + a3));
        for (; i < length; i++)
            sum += p[i];
        return sum;
    }

    /// <summary>Σ (p[i] − center)²: the second pass of a two-pass variance, which keeps float precision where
    /// E[x²] − E[x]² would cancel.</summary>
    public static float SumOfSquaredDeviations(float* p, int length, float center)
    {
        var c = Vector256.Create(center);
        Vector256<float> a0 = default, a1 = default;
        int i = 0;
        for (; i <= length - 16; i += 16)
        {
            var d0 = Vector256.Load(p + i) - c;
            var d1 = Vector256.Load(p + i + 8) - c;
            a0 += d0 * d0;
            a1 += d1 * d1;
        }
        for (; i <= length - 8; i += 8)
        {
            var d = Vector256.Load(p + i) - c;
            a0 += d * d;
        }
        float sum = Vector256.Sum(a0 + a1);
        for (; i < length; i++)
        {
            float d = p[i] - center;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Σ a[i]·b[i].</summary>
    public static float Dot(float* a, float* b, int length)
    {
        Vector256<float> a0 = default, a1 = default;
        int i = 0;
        for (; i <= length - 16; i += 16)
        {
            a0 += Vector256.Load(a + i) * Vector256.Load(b + i);
            a1 += Vector256.Load(a + i + 8) * Vector256.Load(b + i + 8);
        }
        for (; i <= length - 8; i += 8)
            a0 += Vector256.Load(a + i) * Vector256.Load(b + i);
        float sum = Vector256.Sum(a0 + a1);
        for (; i < length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
