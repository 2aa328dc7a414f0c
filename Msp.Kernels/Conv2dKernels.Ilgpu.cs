using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>
/// Stride-1 "same" convolution (see <see cref="Conv2dShape"/>), the ILGPU half: im2col of the whole batch into one
/// [InChannels·k², Batch·H·W] matrix, the tiled GEMM, and a permute back to [Batch, Channels, H, W]. One wide GEMM
/// keeps the 4×4 and 8×8 layers from launching tiny products. The input gradient is the forward of the transposed
/// convolution (flipped, transposed weights); the weight gradient is one GEMM whose depth runs over every pixel of the batch.
/// Scratch views come from the caller (the op layer's pooled buffers), sized as each launcher states.
/// </summary>
public static partial class Conv2dKernels
{
    private static void Im2ColKernel(Index1D i, ArrayView<float> x, Conv2dShape shape, ArrayView<float> columns)
    {
        int row = i / shape.ColumnCount, column = i % shape.ColumnCount;
        int taps = shape.KernelSize * shape.KernelSize, channel = row / taps, tap = row % taps;
        int image = column / shape.PlaneSize, pixel = column % shape.PlaneSize;
        int sourceY = pixel / shape.Width + tap / shape.KernelSize - shape.Padding;
        int sourceX = pixel % shape.Width + tap % shape.KernelSize - shape.Padding;
        bool inside = sourceY >= 0 && sourceY < shape.Height && sourceX >= 0 && sourceX < shape.Width;
        columns[i] = inside ? x[((image * shape.InChannels + channel) * shape.Height + sourceY) * shape.Width + sourceX] : 0f;
    }

    /// <summary>columns [InChannels·k², Batch·H·W] = im2col(x [Batch, InChannels, H, W]), zeros where a tap falls in the padding.</summary>
    public static void Im2Col(Accelerator accelerator, ArrayView<float> x, Conv2dShape shape, ArrayView<float> columns) =>
        Launch(accelerator, Im2ColKernel, shape.ColumnRows * shape.ColumnCount, x, shape, columns);

    private static void ColumnsToBatchKernel(Index1D i, ArrayView<float> product, ArrayView<float> bias, Conv2dShape shape, float beta,
        ArrayView<float> y)
    {
        int perImage = shape.OutChannels * shape.PlaneSize, image = i / perImage;
        int channel = i % perImage / shape.PlaneSize, pixel = i % shape.PlaneSize;
        float value = product[channel * shape.ColumnCount + image * shape.PlaneSize + pixel] + (bias.Length > 0 ? bias[channel] : 0f);
        y[i] = beta == 0f ? value : value + beta * y[i];
    }

    /// <summary>y [Batch, OutChannels, H, W] = product [OutChannels, Batch·H·W] permuted + bias [OutChannels] (empty: none)
    /// + beta·y. beta = 0 never reads y.</summary>
    public static void ColumnsToBatch(Accelerator accelerator, ArrayView<float> product, ArrayView<float> bias, Conv2dShape shape, float beta,
        ArrayView<float> y)
    {
        if (shape.OutputSize == 0)
            return;
        var kernel = KernelCache.Get(accelerator, ColumnsToBatchKernel, acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            ArrayView<float>, Conv2dShape, float, ArrayView<float>>(ColumnsToBatchKernel));
        kernel(shape.OutputSize, product, bias, shape, beta, y);
    }

    private static void BatchToColumnsKernel(Index1D i, ArrayView<float> y, Conv2dShape shape, ArrayView<float> columns)
    {
        int perImage = shape.OutChannels * shape.PlaneSize, image = i / perImage;
        int channel = i % perImage / shape.PlaneSize, pixel = i % shape.PlaneSize;
        columns[channel * shape.ColumnCount + image * shape.PlaneSize + pixel] = y[i];
    }

    /// <summary>columns [OutChannels, Batch·H·W] = y [Batch, OutChannels, H, W] permuted (the inverse of ColumnsToBatch).</summary>
    public static void BatchToColumns(Accelerator accelerator, ArrayView<float> y, Conv2dShape shape, ArrayView<float> columns) =>
        Launch(accelerator, BatchToColumnsKernel, shape.OutputSize, y, shape, columns);

    private static void FlipWeightsKernel(Index1D i, ArrayView<float> weight, Conv2dShape shape, ArrayView<float> flipped)
    {
        int taps = shape.KernelSize * shape.KernelSize, inChannel = i / (shape.OutChannels * taps);
        int outChannel = i / taps % shape.OutChannels, tap = i % taps;
        flipped[i] = weight[(outChannel * shape.InChannels + inChannel) * taps + taps - 1 - tap];
    }

    /// <summary>flipped [InChannels, OutChannels, k, k] = weight [OutChannels, InChannels, k, k] transposed and turned by 180°.</summary>
    public static void FlipWeights(Accelerator accelerator, ArrayView<float> weight, Conv2dShape shape, ArrayView<float> flipped) =>
        Launch(accelerator, FlipWeightsKernel, shape.WeightSize, weight, shape, flipped);

    private static void BiasBackwardKernel(Index1D channel, ArrayView<float> yGrad, Conv2dShape shape, ArrayView<float> biasGrad)
    {
        float sum = 0f;
        for (int image = 0; image < shape.BatchSize; image++)
        {
            int offset = (image * shape.OutChannels + channel) * shape.PlaneSize;
            for (int pixel = 0; pixel < shape.PlaneSize; pixel++)
                sum += yGrad[offset + pixel];
        }
        biasGrad[channel] += sum;
    }

    /// <summary>biasGrad [OutChannels] += Σ over images and pixels of yGrad [Batch, OutChannels, H, W]; one thread per channel.</summary>
    public static void BiasBackward(Accelerator accelerator, ArrayView<float> yGrad, Conv2dShape shape, ArrayView<float> biasGrad) =>
        Launch(accelerator, BiasBackwardKernel, shape.OutChannels, yGrad, shape, biasGrad);

    /// <summary>y = conv(x, weight) + bias (bias empty: none). Scratch: columns ≥ ColumnRows·ColumnCount, product ≥
    /// OutChannels·ColumnCount floats.</summary>
    public static void Forward(Accelerator accelerator, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, Conv2dShape shape,
        ArrayView<float> columns, ArrayView<float> product, ArrayView<float> y)
    {
        if (bias.Length != 0)
            Require(bias.Length, shape.OutChannels, "bias", shape);
        ForwardInto(accelerator, x, weight, bias, shape, 0f, columns, product, y);
    }

    /// <summary>xGrad += the input gradient of yGrad. Scratch: flipped ≥ WeightSize, columns ≥ OutChannels·k²·ColumnCount,
    /// product ≥ InChannels·ColumnCount floats.</summary>
    public static void BackwardData(Accelerator accelerator, ArrayView<float> yGrad, ArrayView<float> weight, Conv2dShape shape,
        ArrayView<float> flipped, ArrayView<float> columns, ArrayView<float> product, ArrayView<float> xGrad)
    {
        Require(flipped.Length, shape.WeightSize, "flipped", shape);
        FlipWeights(accelerator, weight, shape, flipped);
        ForwardInto(accelerator, yGrad, flipped, ArrayView<float>.Empty, shape.Transposed(), 1f, columns, product, xGrad);
    }

    /// <summary>weightGrad [OutChannels, InChannels·k²] += yGrad (as [OutChannels, Batch·H·W]) · im2col(x)ᵀ. Scratch: columns ≥
    /// ColumnRows·ColumnCount, product ≥ OutChannels·ColumnCount floats.</summary>
    public static void BackwardWeight(Accelerator accelerator, ArrayView<float> x, ArrayView<float> yGrad, Conv2dShape shape,
        ArrayView<float> columns, ArrayView<float> product, ArrayView<float> weightGrad)
    {
        Require(x.Length, shape.InputSize, "x", shape);
        Require(yGrad.Length, shape.OutputSize, "yGrad", shape);
        Require(columns.Length, (long)shape.ColumnRows * shape.ColumnCount, "columns", shape);
        Require(product.Length, shape.OutputSize, "product", shape);
        Im2Col(accelerator, x, shape, columns);
        BatchToColumns(accelerator, yGrad, shape, product);
        var gemm = new GemmShape(1, shape.OutChannels, shape.ColumnRows, shape.ColumnCount, TransposeB: true);
        GemmKernels.Multiply(accelerator, product, columns, gemm, 1f, 1f, weightGrad);
    }

    private static void ForwardInto(Accelerator accelerator, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        Conv2dShape shape, float beta, ArrayView<float> columns, ArrayView<float> product, ArrayView<float> y)
    {
        // An out-of-range view access kills an ILGPU CPU process, so every size is checked before the first launch.
        Require(x.Length, shape.InputSize, "x", shape);
        Require(weight.Length, shape.WeightSize, "weight", shape);
        Require(columns.Length, (long)shape.ColumnRows * shape.ColumnCount, "columns", shape);
        Require(product.Length, shape.OutputSize, "product", shape);
        Require(y.Length, shape.OutputSize, "y", shape);
        Im2Col(accelerator, x, shape, columns);
        var gemm = new GemmShape(1, shape.OutChannels, shape.ColumnCount, shape.ColumnRows);
        GemmKernels.Multiply(accelerator, weight, columns, gemm, 1f, 0f, product);
        ColumnsToBatch(accelerator, product, bias, shape, beta, y);
    }

    private static void Launch(Accelerator accelerator, Action<Index1D, ArrayView<float>, Conv2dShape, ArrayView<float>> kernel, int extent,
        ArrayView<float> input, Conv2dShape shape, ArrayView<float> output)
    {
        if (extent == 0)
            return;
        var launcher = KernelCache.Get(accelerator, kernel, acc => acc.LoadAutoGroupedStreamKernel(kernel));
        launcher(extent, input, shape, output);
    }
}
