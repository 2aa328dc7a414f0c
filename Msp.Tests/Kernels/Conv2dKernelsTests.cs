using ILGPU;
using ILGPU.Runtime;
using Msp.Core.Devices;
using Msp.Kernels;
using Msp.Tests.Support;

namespace Msp.Tests.Kernels;

public sealed class Conv2dKernelsTests
{
    // Odd shapes, plus ones that exercise each grouping of the CPU path: many 4×4 images per GEMM (70 in one group per
    // core), 8×8 images in groups with a remainder (5 = 3 + 2), and planes above 1024 pixels written straight into y
    // (3 images: one group per core with a core taking two; 1 image: one group spread over all cores), and an im2col
    // deeper than one GEMM depth block (30·9 = 270 rows > 256).
    private static readonly Conv2dShape[] Shapes =
    [
        new(2, 3, 5, 7, 5, 3), new(2, 3, 5, 7, 5, 1), new(1, 4, 6, 4, 4, 5), new(70, 3, 4, 4, 4, 3),
        new(5, 3, 2, 8, 8, 3), new(3, 2, 3, 33, 32, 3), new(3, 2, 3, 33, 32, 1), new(1, 2, 3, 33, 32, 3), new(2, 30, 4, 6, 5, 3),
    ];

    private static IEnumerable<TestCaseData> CpuShapes() => Shapes.Select(s => new TestCaseData(s).SetName(s.ToString()));

    private static IEnumerable<TestCaseData> IlgpuShapes() =>
        from kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda }
        from s in new Conv2dShape[] { new(2, 3, 5, 7, 5, 3), new(2, 3, 5, 7, 5, 1) }
        select new TestCaseData(kind, s).SetName($"{s} on {kind}");

    /// <summary>Direct convolution in double (PyTorch's cross-correlation with zero padding): the reference.</summary>
    internal static float[] ReferenceForward(float[] x, float[] weight, float[]? bias, Conv2dShape s)
    {
        var y = new float[s.OutputSize];
        int k = s.KernelSize, pad = s.Padding;
        for (int n = 0; n < s.BatchSize; n++)
            for (int o = 0; o < s.OutChannels; o++)
                for (int py = 0; py < s.Height; py++)
                    for (int px = 0; px < s.Width; px++)
                    {
                        double sum = bias?[o] ?? 0f;
                        for (int c = 0; c < s.InChannels; c++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int sy = py + ky - pad, sx = px + kx - pad;
                                    if (sy >= 0 && sy < s.Height && sx >= 0 && sx < s.Width)
                                        sum += (double)x[((n * s.InChannels + c) * s.Height + sy) * s.Width + sx] *
                                               weight[((o * s.InChannels + c) * k + ky) * k + kx];
                                }
                        y[((n * s.OutChannels + o) * s.Height + py) * s.Width + px] = (float)sum;
                    }
        return y;
    }

    /// <summary>The exact gradients of Σ yGrad·y with respect to x, weight and bias, from the same direct loops.</summary>
    internal static (float[] X, float[] Weight, float[] Bias) ReferenceBackward(float[] x, float[] weight, float[] yGrad, Conv2dShape s)
    {
        double[] xGrad = new double[s.InputSize], weightGrad = new double[s.WeightSize], biasGrad = new double[s.OutChannels];
        int k = s.KernelSize, pad = s.Padding;
        for (int n = 0; n < s.BatchSize; n++)
            for (int o = 0; o < s.OutChannels; o++)
                for (int py = 0; py < s.Height; py++)
                    for (int px = 0; px < s.Width; px++)
                    {
                        double g = yGrad[((n * s.OutChannels + o) * s.Height + py) * s.Width + px];
                        biasGrad[o] += g;
                        for (int c = 0; c < s.InChannels; c++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int sy = py + ky - pad, sx = px + kx - pad;
                                    if (sy < 0 || sy >= s.Height || sx < 0 || sx >= s.Width)
                                        continue;
                                    int xi = ((n * s.InChannels + c) * s.Height + sy) * s.Width + sx, wi = ((o * s.InChannels + c) * k + ky) * k + kx;
                                    xGrad[xi] += g * weight[wi];
                                    weightGrad[wi] += g * x[xi];
                                }
                    }
        static float[] ToFloat(double[] v) => v.Select(d => (float)d).ToArray();
        return (ToFloat(xGrad), ToFloat(weightGrad), ToFloat(biasGrad));
    }

    // Sums of C·k² products of values in [-1, 1] (and, for the weight gradient, of Batch·H·W of them) in float32.
    private static double Tolerance(Conv2dShape s) => 2e-6 * (s.ColumnRows + s.OutChannels * s.KernelSize * s.KernelSize + s.ColumnCount);

    private static (float[] X, float[] Weight, float[] Bias, float[] YGrad) Inputs(Conv2dShape s) =>
        (RandomData.Uniform(s.InputSize, 1), RandomData.Uniform(s.WeightSize, 2), RandomData.Uniform(s.OutChannels, 3), RandomData.Uniform(s.OutputSize, 4));

    [TestCaseSource(nameof(CpuShapes))]
    public void Forward_matches_direct_convolution(Conv2dShape s)
    {
        var (x, weight, bias, _) = Inputs(s);
        var y = new float[s.OutputSize];
        Conv2dKernels.Forward(x, weight, bias, s, y);
        TensorAssert.AreClose(ReferenceForward(x, weight, bias, s), y, Tolerance(s), 1e-5, "with bias");
        Conv2dKernels.Forward(x, weight, ReadOnlySpan<float>.Empty, s, y);
        TensorAssert.AreClose(ReferenceForward(x, weight, null, s), y, Tolerance(s), 1e-5, "without bias");
    }

    [TestCaseSource(nameof(CpuShapes))]
    public void Backward_passes_add_the_direct_gradients(Conv2dShape s)
    {
        var (x, weight, _, yGrad) = Inputs(s);
        var expected = ReferenceBackward(x, weight, yGrad, s);
        // The buffers start non-zero: backward must add into them, not overwrite.
        float[] xGrad = RandomData.Uniform(s.InputSize, 5), weightGrad = RandomData.Uniform(s.WeightSize, 6), biasGrad = RandomData.Uniform(s.OutChannels, 7);
        var (xStart, weightStart, biasStart) = ((float[])xGrad.Clone(), (float[])weightGrad.Clone(), (float[])biasGrad.Clone());
        Conv2dKernels.BackwardData(yGrad, weight, s, xGrad);
        Conv2dKernels.BackwardWeight(x, yGrad, s, weightGrad);
        Conv2dKernels.BiasBackward(yGrad, s, biasGrad);
        TensorAssert.AreClose(expected.X.Zip(xStart, (g, v) => g + v).ToArray(), xGrad, Tolerance(s), 1e-5, "xGrad");
        TensorAssert.AreClose(expected.Weight.Zip(weightStart, (g, v) => g + v).ToArray(), weightGrad, Tolerance(s), 1e-5, "weightGrad");
        TensorAssert.AreClose(expected.Bias.Zip(biasStart, (g, v) => g + v).ToArray(), biasGrad, Tolerance(s), 1e-5, "biasGrad");
    }

    [Test]
    public void Short_buffers_are_rejected()
    {
        var s = new Conv2dShape(2, 3, 5, 7, 5, 3);
        Assert.That(() => Conv2dKernels.Forward(new float[s.InputSize - 1], new float[s.WeightSize], ReadOnlySpan<float>.Empty, s, new float[s.OutputSize]),
            Throws.ArgumentException.With.Message.Contains("x holds"));
    }

    [TestCaseSource(nameof(IlgpuShapes))]
    public void Accelerator_passes_match_the_cpu(DeviceKind kind, Conv2dShape s)
    {
        var accelerator = ((IlgpuDevice)TestDevices.Get(kind)).Accelerator;
        var (x, weight, bias, yGrad) = Inputs(s);
        float[] y = new float[s.OutputSize], xGrad = RandomData.Uniform(s.InputSize, 5), weightGrad = RandomData.Uniform(s.WeightSize, 6);
        using var xBuffer = accelerator.Allocate1D(x);
        using var weightBuffer = accelerator.Allocate1D(weight);
        using var biasBuffer = accelerator.Allocate1D(bias);
        using var gradBuffer = accelerator.Allocate1D(yGrad);
        using var yBuffer = accelerator.Allocate1D<float>(s.OutputSize);
        using var xGradBuffer = accelerator.Allocate1D(xGrad);
        using var weightGradBuffer = accelerator.Allocate1D(weightGrad);
        using var flipped = accelerator.Allocate1D<float>(s.WeightSize);
        using var columns = accelerator.Allocate1D<float>(Math.Max(s.ColumnRows, s.Transposed().ColumnRows) * s.ColumnCount);
        using var product = accelerator.Allocate1D<float>(Math.Max(s.InputSize, s.OutputSize));

        Conv2dKernels.Forward(accelerator, xBuffer.View, weightBuffer.View, biasBuffer.View, s, columns.View, product.View, yBuffer.View);
        Conv2dKernels.BackwardData(accelerator, gradBuffer.View, weightBuffer.View, s, flipped.View, columns.View, product.View, xGradBuffer.View);
        Conv2dKernels.BackwardWeight(accelerator, xBuffer.View, gradBuffer.View, s, columns.View, product.View, weightGradBuffer.View);
        Conv2dKernels.Forward(x, weight, bias, s, y);
        Conv2dKernels.BackwardData(yGrad, weight, s, xGrad);
        Conv2dKernels.BackwardWeight(x, yGrad, s, weightGrad);

        // Both sides sum the same products in float32, in different orders (and a GPU may fuse multiply-adds).
        TensorAssert.AreClose(y, yBuffer.GetAsArray1D(), Tolerance(s), 1e-5, "y");
        TensorAssert.AreClose(xGrad, xGradBuffer.GetAsArray1D(), Tolerance(s), 1e-5, "xGrad");
        TensorAssert.AreClose(weightGrad, weightGradBuffer.GetAsArray1D(), Tolerance(s), 1e-5, "weightGrad");
    }

    [TestCaseSource(nameof(IlgpuShapes))]
    public void Layout_kernels_match_their_twins(DeviceKind kind, Conv2dShape s)
    {
        var accelerator = ((IlgpuDevice)TestDevices.Get(kind)).Accelerator;
        var (x, weight, bias, yGrad) = Inputs(s);
        var product = RandomData.Uniform(s.OutputSize, 8);
        float[] columns = new float[s.ColumnRows * s.ColumnCount], y = RandomData.Uniform(s.OutputSize, 9), permuted = new float[s.OutputSize];
        float[] flipped = new float[s.WeightSize], biasGrad = RandomData.Uniform(s.OutChannels, 10);
        using var xBuffer = accelerator.Allocate1D(x);
        using var weightBuffer = accelerator.Allocate1D(weight);
        using var biasBuffer = accelerator.Allocate1D(bias);
        using var gradBuffer = accelerator.Allocate1D(yGrad);
        using var productBuffer = accelerator.Allocate1D(product);
        using var columnsBuffer = accelerator.Allocate1D<float>(columns.Length);
        using var yBuffer = accelerator.Allocate1D(y);
        using var permutedBuffer = accelerator.Allocate1D<float>(permuted.Length);
        using var flippedBuffer = accelerator.Allocate1D<float>(flipped.Length);
        using var biasGradBuffer = accelerator.Allocate1D(biasGrad);

        Conv2dKernels.Im2Col(accelerator, xBuffer.View, s, columnsBuffer.View);
        Conv2dKernels.ColumnsToBatch(accelerator, productBuffer.View, biasBuffer.View, s, 0.5f, yBuffer.View);
        Conv2dKernels.BatchToColumns(accelerator, gradBuffer.View, s, permutedBuffer.View);
        Conv2dKernels.FlipWeights(accelerator, weightBuffer.View, s, flippedBuffer.View);
        Conv2dKernels.BiasBackward(accelerator, gradBuffer.View, s, biasGradBuffer.View);
        Conv2dKernels.Im2Col(x, s, columns);
        Conv2dKernels.ColumnsToBatch(product, bias, s, 0.5f, y);
        Conv2dKernels.BatchToColumns(yGrad, s, permuted);
        Conv2dKernels.FlipWeights(weight, s, flipped);
        Conv2dKernels.BiasBackward(yGrad, s, biasGrad);

        Assert.Multiple(() =>
        {
            // Pure data movement is exact; the two sums differ only in float rounding (a product plus bias, or a plane sum).
            Assert.That(columnsBuffer.GetAsArray1D(), Is.EqualTo(columns), "im2col");
            TensorAssert.AreClose(y, yBuffer.GetAsArray1D(), 1e-6, 1e-6, "columns to batch");
            Assert.That(permutedBuffer.GetAsArray1D(), Is.EqualTo(permuted), "batch to columns");
            Assert.That(flippedBuffer.GetAsArray1D(), Is.EqualTo(flipped), "flipped weights");
            TensorAssert.AreClose(biasGrad, biasGradBuffer.GetAsArray1D(), 1e-5, 1e-6, "bias gradient");
        });
    }
}
