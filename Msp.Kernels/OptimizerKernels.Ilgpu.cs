using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>Fused optimizer updates, one thread per parameter element: the ILGPU half.</summary>
public static partial class OptimizerKernels
{
    private static void AdamUpdateKernel(Index1D i, ArrayView<float> grad, AdamStep step, ArrayView<float> parameter,
        ArrayView<float> firstMoment, ArrayView<float> secondMoment)
    {
        float g = grad[i];
        float m = firstMoment[i] + (1f - step.Beta1) * (g - firstMoment[i]);
        float v = secondMoment[i] * step.Beta2 + (1f - step.Beta2) * g * g;
        firstMoment[i] = m;
        secondMoment[i] = v;
        parameter[i] -= step.StepSize * (m / (MathF.Sqrt(v) / step.BiasCorrection2Sqrt + step.Epsilon));
    }

    /// <summary>One Adam step on a parameter: grad, parameter, firstMoment and secondMoment are flat and equally long.</summary>
    public static void AdamUpdate(Accelerator accelerator, ArrayView<float> grad, AdamStep step, ArrayView<float> parameter,
        ArrayView<float> firstMoment, ArrayView<float> secondMoment)
    {
        if (grad.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, AdamUpdateKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<float>, AdamStep, ArrayView<float>, ArrayView<float>, ArrayView<float>>(AdamUpdateKernel));
        kernel((int)grad.Length, grad, step, parameter, firstMoment, secondMoment);
    }
}
