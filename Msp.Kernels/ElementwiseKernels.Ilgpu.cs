using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>Pointwise maps and their derivatives: the ILGPU half. One thread per element.</summary>
public static partial class ElementwiseKernels
{
    private static void ReluKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = IntrinsicMath.Max(x[i], 0f);

    public static void Relu(Accelerator accelerator, ArrayView<float> x, ArrayView<float> y) =>
        Launch(accelerator, ReluKernel, x, y);

    private static void ReluBackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> yGrad, ArrayView<float> xGrad)
    {
        if (y[i] > 0f)
            xGrad[i] += yGrad[i];
    }

    public static void ReluBackward(Accelerator accelerator, ArrayView<float> y, ArrayView<float> yGrad, ArrayView<float> xGrad) =>
        Launch(accelerator, ReluBackwardKernel, y, yGrad, xGrad);

    private static void SigmoidKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = 1f / (1f + MathF.Exp(-x[i]));

    public static void Sigmoid(Accelerator accelerator, ArrayView<float> x, ArrayView<float> y) =>
        Launch(accelerator, SigmoidKernel, x, y);

    private static void SigmoidBackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> yGrad, ArrayView<float> xGrad) =>
        xGrad[i] += yGrad[i] * y[i] * (1f - y[i]);

    public static void SigmoidBackward(Accelerator accelerator, ArrayView<float> y, ArrayView<float> yGrad, ArrayView<float> xGrad) =>
        Launch(accelerator, SigmoidBackwardKernel, y, yGrad, xGrad);

    private static void AbsKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = IntrinsicMath.Abs(x[i]);

    public static void Abs(Accelerator accelerator, ArrayView<float> x, ArrayView<float> y) =>
        Launch(accelerator, AbsKernel, x, y);

    private static void AbsBackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> yGrad, ArrayView<float> xGrad)
    {
        float v = x[i];
        xGrad[i] += v > 0f ? yGrad[i] : v < 0f ? -yGrad[i] : 0f;
    }

    public static void AbsBackward(Accelerator accelerator, ArrayView<float> x, ArrayView<float> yGrad, ArrayView<float> xGrad) =>
        Launch(accelerator, AbsBackwardKernel, x, yGrad, xGrad);

    private static void ScaleAddKernel(Index1D i, ArrayView<float> x, float alpha, float beta, ArrayView<float> y) =>
        y[i] = beta == 0f ? alpha * x[i] : alpha * x[i] + beta * y[i];

    public static void ScaleAdd(Accelerator accelerator, ArrayView<float> x, float alpha, float beta, ArrayView<float> y)
    {
        if (x.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, ScaleAddKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, float, ArrayView<float>>(ScaleAddKernel));
        kernel((int)x.Length, x, alpha, beta, y);
    }

    private static void AddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] + b[i];

    public static void Add(Accelerator accelerator, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) =>
        Launch(accelerator, AddKernel, a, b, y);

    private static void FillKernel(Index1D i, float value, ArrayView<float> y) => y[i] = value;

    public static void Fill(Accelerator accelerator, float value, ArrayView<float> y)
    {
        if (y.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, FillKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>>(FillKernel));
        kernel((int)y.Length, value, y);
    }

    private static void Launch(Accelerator accelerator, Action<Index1D, ArrayView<float>, ArrayView<float>> kernel,
        ArrayView<float> x, ArrayView<float> y)
    {
        if (x.Length == 0)
            return;
        var launcher = KernelCache.Get(accelerator, kernel,
            a => a.LoadAutoGroupedStreamKernel(kernel));
        launcher((int)x.Length, x, y);
    }

    private static void Launch(Accelerator accelerator, Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> kernel,
        ArrayView<float> x, ArrayView<float> y, ArrayView<float> z)
    {
        if (x.Length == 0)
            return;
        var launcher = KernelCache.Get(accelerator, kernel,
            a => a.LoadAutoGroupedStreamKernel(kernel));
        launcher((int)x.Length, x, y, z);
    }
}
