using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>Pointwise maps and their derivatives: the managed SIMD half. All spans are flat and equally long.</summary>
public static unsafe partial class ElementwiseKernels
{
    private const int MinPerChunk = 1 << 15;

    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        fixed (float* xp = x, yp = y)
        {
            nint xa = (nint)xp, ya = (nint)yp;
            CpuParallel.For(x.Length, MinPerChunk, (start, end) =>
            {
                float* xs = (float*)xa, ys = (float*)ya;
                int i = start;
                for (; i <= end - 8; i += 8)
                    Vector256.Store(Vector256.Max(Vector256.Load(xs + i), Vector256<float>.Zero), ys + i);
                for (; i < end; i++)
                    ys[i] = MathF.Max(xs[i], 0f);
            });
        }
    }

    /// <summary>xGrad += yGrad where y &gt; 0 (y is the forward output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> yGrad, Span<float> xGrad)
    {
        fixed (float* yp = y, gp = yGrad, xp = xGrad)
        {
            nint ya = (nint)yp, ga = (nint)gp, xa = (nint)xp;
            CpuParallel.For(y.Length, MinPerChunk, (start, end) =>
            {
                float* ys = (float*)ya, gs = (float*)ga, xs = (float*)xa;
                int i = start;
                for (; i <= end - 8; i += 8)
                {
                    var mask = Vector256.GreaterThan(Vector256.Load(ys + i), Vector256<float>.Zero);
                    var add = Vector256.BitwiseAnd(mask, Vector256.Load(gs + i));
                    Vector256.Store(Vector256.Load(xs + i) + add, xs + i);
                }
                for (; i < end; i++)
                    if (ys[i] > 0f)
                        xs[i] += gs[i];
            });
        }
    }

    /// <summary>y = 1 / (1 + exp(-x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = SigmoidOf(x[i]);
    }

    /// <summary>xGrad += yGrad · y (1 − y) (y is the forward output).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> yGrad, Span<float> xGrad)
    {
        for (int i = 0; i < y.Length; i++)
            xGrad[i] += yGrad[i] * y[i] * (1f - y[i]);
    }

    /// <summary>y = |x|.</summary>
    public static void Abs(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = MathF.Abs(x[i]);
    }

    /// <summary>xGrad += yGrad · sign(x), with sign(0) = 0 as in PyTorch.</summary>
    public static void AbsBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> yGrad, Span<float> xGrad)
    {
        for (int i = 0; i < x.Length; i++)
            xGrad[i] += yGrad[i] * SignOf(x[i]);
    }

    /// <summary>y = alpha · x + beta · y: the one axpy used for adds, scaling and gradient accumulation.</summary>
    public static void ScaleAdd(ReadOnlySpan<float> x, float alpha, float beta, Span<float> y)
    {
        fixed (float* xp = x, yp = y)
        {
            nint xa = (nint)xp, ya = (nint)yp;
            CpuParallel.For(x.Length, MinPerChunk, (start, end) =>
            {
                float* xs = (float*)xa, ys = (float*)ya;
                var a = Vector256.Create(alpha);
                var b = Vector256.Create(beta);
                int i = start;
                if (beta == 0f)
                {
                    // beta = 0 must not read y: a fresh pooled buffer may hold NaNs, and 0 · NaN = NaN.
                    for (; i <= end - 8; i += 8)
                        Vector256.Store(a * Vector256.Load(xs + i), ys + i);
                    for (; i < end; i++)
                        ys[i] = alpha * xs[i];
                    return;
                }
                for (; i <= end - 8; i += 8)
                    Vector256.Store(a * Vector256.Load(xs + i) + b * Vector256.Load(ys + i), ys + i);
                for (; i < end; i++)
                    ys[i] = alpha * xs[i] + beta * ys[i];
            });
        }
    }

    /// <summary>y = a + b, elementwise, same length.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        fixed (float* ap = a, bp = b, yp = y)
        {
            nint aa = (nint)ap, ba = (nint)bp, ya = (nint)yp;
            CpuParallel.For(a.Length, MinPerChunk, (start, end) =>
            {
                float* asp = (float*)aa, bs = (float*)ba, ys = (float*)ya;
                int i = start;
                for (; i <= end - 8; i += 8)
                    Vector256.Store(Vector256.Load(asp + i) + Vector256.Load(bs + i), ys + i);
                for (; i < end; i++)
                    ys[i] = asp[i] + bs[i];
            });
        }
    }

    /// <summary>y = value everywhere.</summary>
    public static void Fill(float value, Span<float> y) => y.Fill(value);

    internal static float SigmoidOf(float x) => 1f / (1f + MathF.Exp(-x));

    internal static float SignOf(float x) => x > 0f ? 1f : x < 0f ? -1f : 0f;
}
