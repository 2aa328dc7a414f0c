using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>Fused optimizer updates: the managed SIMD half. All spans are flat and equally long.</summary>
public static unsafe partial class OptimizerKernels
{
    private const int MinPerChunk = 1 << 15;

    /// <summary>
    /// One Adam step, in torch.optim.Adam's order of operations: m ← lerp(m, g, 1 − β1) = m + (1 − β1)(g − m);
    /// v ← v·β2 + (1 − β2)·g²; p ← p − StepSize · m / (√v / BiasCorrection2Sqrt + ε), ε added after the square root.
    /// </summary>
    public static void AdamUpdate(ReadOnlySpan<float> grad, AdamStep step, Span<float> parameter, Span<float> firstMoment,
        Span<float> secondMoment)
    {
        fixed (float* gradPointer = grad, parameterPointer = parameter, firstPointer = firstMoment, secondPointer = secondMoment)
        {
            nint gradAddress = (nint)gradPointer, parameterAddress = (nint)parameterPointer;
            nint firstAddress = (nint)firstPointer, secondAddress = (nint)secondPointer;
            CpuParallel.For(grad.Length, MinPerChunk, (start, end) =>
            {
                float* g = (float*)gradAddress, p = (float*)parameterAddress, m = (float*)firstAddress, v = (float*)secondAddress;
                var beta1Complement = Vector256.Create(1f - step.Beta1);
                var beta2 = Vector256.Create(step.Beta2);
                var beta2Complement = Vector256.Create(1f - step.Beta2);
                var stepSize = Vector256.Create(step.StepSize);
                var biasCorrection2Sqrt = Vector256.Create(step.BiasCorrection2Sqrt);
                var epsilon = Vector256.Create(step.Epsilon);
                int i = start;
                for (; i <= end - 8; i += 8)
                {
                    var gradient = Vector256.Load(g + i);
                    var first = Vector256.Load(m + i);
                    first += beta1Complement * (gradient - first);
                    var second = Vector256.Load(v + i) * beta2 + beta2Complement * gradient * gradient;
                    first.Store(m + i);
                    second.Store(v + i);
                    var denominator = Vector256.Sqrt(second) / biasCorrection2Sqrt + epsilon;
                    (Vector256.Load(p + i) - stepSize * (first / denominator)).Store(p + i);
                }
                for (; i < end; i++)
                {
                    m[i] += (1f - step.Beta1) * (g[i] - m[i]);
                    v[i] = v[i] * step.Beta2 + (1f - step.Beta2) * g[i] * g[i];
                    p[i] -= step.StepSize * (m[i] / (MathF.Sqrt(v[i]) / step.BiasCorrection2Sqrt + step.Epsilon));
                }
            });
        }
    }
}
