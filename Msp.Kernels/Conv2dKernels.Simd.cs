using System.Buffers;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Stride-1 "same" convolution (see <see cref="Conv2dShape"/>), the managed SIMD half. Images go through im2col and the
/// SGEMM in groups: a whole image when its plane is large (the product is then written straight into y, bias fused),
/// several images when the plane is small so that the GEMM still sees ~1024 columns. With at least one group per core,
/// each core takes whole groups (im2col, product, scatter on its own scratch), so no barrier is crossed per image;
/// otherwise the groups run in turn, each spread over all cores. The input gradient is the forward of the transposed
/// convolution, as in the ILGPU half.
/// </summary>
public static unsafe partial class Conv2dKernels
{
    // Columns of one GEMM: enough for wide panels on both cores at 8×8 and 4×4, little enough for the scratch to stay small.
    private const int TargetColumns = 1024;

    // Weight-gradient partial sums per call: up to this many cores share the weight gradient.
    private const int WeightGradientPartitions = 4;

    /// <summary>y = conv(x, weight) + bias; bias may be empty (no bias).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Conv2dShape shape, Span<float> y)
    {
        Require(x.Length, shape.InputSize, "x", shape);
        Require(weight.Length, shape.WeightSize, "weight", shape);
        Require(y.Length, shape.OutputSize, "y", shape);
        if (!bias.IsEmpty)
            Require(bias.Length, shape.OutChannels, "bias", shape);
        fixed (float* xp = x, wp = weight, bp = bias, yp = y)
            ForwardInto(xp, wp, bias.IsEmpty ? null : bp, shape, 0f, yp);
    }

    /// <summary>xGrad [Batch, InChannels, H, W] += the input gradient of yGrad [Batch, OutChannels, H, W].</summary>
    public static void BackwardData(ReadOnlySpan<float> yGrad, ReadOnlySpan<float> weight, Conv2dShape shape, Span<float> xGrad)
    {
        Require(yGrad.Length, shape.OutputSize, "yGrad", shape);
        Require(weight.Length, shape.WeightSize, "weight", shape);
        Require(xGrad.Length, shape.InputSize, "xGrad", shape);
        fixed (float* gp = yGrad, wp = weight, xp = xGrad)
        {
            float* flipped = CpuScratch.Get(ScratchSlot.Weights, shape.WeightSize);
            FlipWeights(wp, shape, flipped);
            ForwardInto(gp, flipped, null, shape.Transposed(), 1f, xp);
        }
    }

    /// <summary>weightGrad [OutChannels, InChannels, k, k] += Σ over images of yGrad · im2col(x)ᵀ.</summary>
    public static void BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> yGrad, Conv2dShape shape, Span<float> weightGrad)
    {
        Require(x.Length, shape.InputSize, "x", shape);
        Require(yGrad.Length, shape.OutputSize, "yGrad", shape);
        Require(weightGrad.Length, shape.WeightSize, "weightGrad", shape);
        // The grouping and the partitions depend on the shape alone, never on the core count: a weight gradient is a sum
        // over images, and a run must give the same numbers on any machine.
        int group = ImagesPerProduct(shape, cores: 1), groups = GroupCount(shape, group);
        int partitions = Math.Min(groups, WeightGradientPartitions);
        fixed (float* xp = x, gp = yGrad, wp = weightGrad)
        {
            if (partitions == 1)
            {
                AddWeightGradient(xp, gp, shape, 0, group, wp, parallel: true);
                return;
            }
            // Partition 0 sums its groups straight into weightGrad, the others into zeroed buffers added afterwards in
            // partition order; the cores take whole partitions.
            float[] partials = ArrayPool<float>.Shared.Rent((partitions - 1) * shape.WeightSize);
            try
            {
                fixed (float* pp = partials)
                {
                    new Span<float>(pp, (partitions - 1) * shape.WeightSize).Clear();
                    nint xa = (nint)xp, ga = (nint)gp, wa = (nint)wp, pa = (nint)pp;
                    CpuParallel.For(partitions, 1, (start, end) =>
                    {
                        for (int partition = start; partition < end; partition++)
                        {
                            float* target = partition == 0 ? (float*)wa : (float*)pa + (long)(partition - 1) * shape.WeightSize;
                            for (int index = groups * partition / partitions; index < groups * (partition + 1) / partitions; index++)
                                AddWeightGradient((float*)xa, (float*)ga, shape, index * group, group, target, parallel: false);
                        }
                    });
                    for (int partition = 1; partition < partitions; partition++)
                        AddInto(pp + (long)(partition - 1) * shape.WeightSize, wp, shape.WeightSize);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(partials);
            }
        }
    }

    /// <summary>weightGrad += yGrad · im2col(x)ᵀ over the images [first, first + group) (fewer at the end of the batch).</summary>
    private static void AddWeightGradient(float* x, float* yGrad, Conv2dShape shape, int first, int group, float* weightGrad, bool parallel)
    {
        var part = shape with { BatchSize = Math.Min(group, shape.BatchSize - first) };
        float* columns = ColumnsOf(x + (long)first * shape.InChannels * shape.PlaneSize, part, parallel);
        float* gradRows = yGrad + (long)first * shape.OutChannels * shape.PlaneSize;
        if (part.BatchSize > 1)
        {
            float* permuted = CpuScratch.Get(ScratchSlot.Product, (long)shape.OutChannels * part.ColumnCount);
            BatchToColumns(gradRows, part, permuted);
            gradRows = permuted;
        }
        var gemm = new GemmShape(1, shape.OutChannels, shape.ColumnRows, part.ColumnCount, TransposeB: true);
        GemmKernels.Multiply(gradRows, columns, gemm, 1f, 1f, weightGrad, rowBias: null, parallel);
    }

    /// <summary>y = conv(x, weight) + bias + beta·y, group of images by group of images.</summary>
    private static void ForwardInto(float* x, float* weight, float* bias, Conv2dShape shape, float beta, float* y)
    {
        // Grouping changes only how the columns are split, not any sum, so it may follow the core count.
        int group = ImagesPerProduct(shape, CpuParallel.Degree), groups = GroupCount(shape, group);
        if (!GroupsPerCore(groups))
        {
            for (int index = 0; index < groups; index++)
                ForwardGroup(x, weight, bias, shape, index * group, group, beta, y, parallel: true);
            return;
        }
        nint xa = (nint)x, wa = (nint)weight, ba = (nint)bias, ya = (nint)y;
        CpuParallel.For(groups, 1, (start, end) =>
        {
            for (int index = start; index < end; index++)
                ForwardGroup((float*)xa, (float*)wa, (float*)ba, shape, index * group, group, beta, (float*)ya, parallel: false);
        });
    }

    /// <summary>The images [first, first + group) of y = conv(x, weight) + bias + beta·y.</summary>
    private static void ForwardGroup(float* x, float* weight, float* bias, Conv2dShape shape, int first, int group, float beta, float* y,
        bool parallel)
    {
        var part = shape with { BatchSize = Math.Min(group, shape.BatchSize - first) };
        float* columns = ColumnsOf(x + (long)first * shape.InChannels * shape.PlaneSize, part, parallel);
        float* yPart = y + (long)first * shape.OutChannels * shape.PlaneSize;
        var gemm = new GemmShape(1, shape.OutChannels, part.ColumnCount, shape.ColumnRows);
        if (part.BatchSize == 1)
        {
            // One image: the product [OutChannels, H·W] already is the image's output.
            GemmKernels.Multiply(weight, columns, gemm, 1f, beta, yPart, bias, parallel);
            return;
        }
        float* product = CpuScratch.Get(ScratchSlot.Product, (long)shape.OutChannels * part.ColumnCount);
        GemmKernels.Multiply(weight, columns, gemm, 1f, 0f, product, bias, parallel);
        ColumnsToBatch(product, null, part, beta, yPart, parallel);
    }

    /// <summary>Images per GEMM: enough for ~TargetColumns columns, but no more than leaves one group per core.</summary>
    private static int ImagesPerProduct(Conv2dShape shape, int cores)
    {
        int perCore = (shape.BatchSize + cores - 1) / cores;
        return Math.Clamp(TargetColumns / Math.Max(1, shape.PlaneSize), 1, Math.Max(1, perCore));
    }

    private static int GroupCount(Conv2dShape shape, int group) => (shape.BatchSize + group - 1) / group;

    /// <summary>Whether the groups are many enough for each core to take whole ones.</summary>
    private static bool GroupsPerCore(int groups) => CpuParallel.Degree > 1 && groups >= CpuParallel.Degree;

    /// <summary>The im2col matrix of the images at x: x itself for a 1×1 kernel over one image, else the Columns scratch.</summary>
    private static float* ColumnsOf(float* x, Conv2dShape shape, bool parallel)
    {
        if (shape.KernelSize == 1 && shape.BatchSize == 1)
            return x;
        float* columns = CpuScratch.Get(ScratchSlot.Columns, (long)shape.ColumnRows * shape.ColumnCount);
        Im2Col(x, shape, columns, parallel);
        return columns;
    }

    /// <summary>target += source over count floats.</summary>
    private static void AddInto(float* source, float* target, long count)
    {
        long i = 0;
        for (; i <= count - 8; i += 8)
            (Vector256.Load(target + i) + Vector256.Load(source + i)).Store(target + i);
        for (; i < count; i++)
            target[i] += source[i];
    }

    /// <summary>body over [0, count): split over the cores, or on the calling thread when the caller already runs one
    /// task per core.</summary>
    private static void ForRange(bool parallel, int count, int minPerChunk, Action<int, int> body)
    {
        if (parallel)
            CpuParallel.For(count, minPerChunk, body);
        else if (count > 0)
            body(0, count);
    }

    /// <summary>columns [InChannels·k², Batch·H·W] = im2col(x [Batch, InChannels, H, W]), zeros where a tap falls in the padding.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Conv2dShape shape, Span<float> columns)
    {
        Require(x.Length, shape.InputSize, "x", shape);
        Require(columns.Length, (long)shape.ColumnRows * shape.ColumnCount, "columns", shape);
        fixed (float* xp = x, cp = columns)
            Im2Col(xp, shape, cp, parallel: true);
    }

    private static void Im2Col(float* x, Conv2dShape shape, float* columns, bool parallel)
    {
        nint xa = (nint)x, ca = (nint)columns;
        ForRange(parallel, shape.ColumnRows, Math.Max(1, (1 << 14) / Math.Max(1, shape.ColumnCount)), (start, end) =>
        {
            int taps = shape.KernelSize * shape.KernelSize, width = shape.Width;
            for (int row = start; row < end; row++)
            {
                int channel = row / taps, shiftY = row % taps / shape.KernelSize - shape.Padding;
                int shiftX = row % taps % shape.KernelSize - shape.Padding;
                // Output pixel px reads source column px + shiftX; only [low, high) of them fall inside the image.
                int low = Math.Max(0, -shiftX), high = Math.Min(width, width - shiftX);
                float* target = (float*)ca + (long)row * shape.ColumnCount;
                for (int image = 0; image < shape.BatchSize; image++)
                {
                    float* plane = (float*)xa + ((long)image * shape.InChannels + channel) * shape.PlaneSize;
                    for (int py = 0; py < shape.Height; py++, target += width)
                    {
                        int sourceY = py + shiftY;
                        if (sourceY < 0 || sourceY >= shape.Height || low >= high)
                        {
                            new Span<float>(target, width).Clear();
                            continue;
                        }
                        new Span<float>(target, low).Clear();
                        new ReadOnlySpan<float>(plane + sourceY * width + low + shiftX, high - low).CopyTo(new Span<float>(target + low, high - low));
                        new Span<float>(target + high, width - high).Clear();
                    }
                }
            }
        });
    }

    /// <summary>y [Batch, OutChannels, H, W] = product [OutChannels, Batch·H·W] permuted + bias [OutChannels] (empty: none)
    /// + beta·y. beta = 0 never reads y.</summary>
    public static void ColumnsToBatch(ReadOnlySpan<float> product, ReadOnlySpan<float> bias, Conv2dShape shape, float beta, Span<float> y)
    {
        Require(product.Length, shape.OutputSize, "product", shape);
        Require(y.Length, shape.OutputSize, "y", shape);
        if (!bias.IsEmpty)
            Require(bias.Length, shape.OutChannels, "bias", shape);
        fixed (float* pp = product, bp = bias, yp = y)
            ColumnsToBatch(pp, bias.IsEmpty ? null : bp, shape, beta, yp, parallel: true);
    }

    private static void ColumnsToBatch(float* product, float* bias, Conv2dShape shape, float beta, float* y, bool parallel)
    {
        nint pa = (nint)product, ba = (nint)bias, ya = (nint)y;
        ForRange(parallel, shape.BatchSize * shape.OutChannels, Math.Max(1, (1 << 14) / Math.Max(1, shape.PlaneSize)), (start, end) =>
        {
            for (int unit = start; unit < end; unit++)
            {
                int image = unit / shape.OutChannels, channel = unit % shape.OutChannels;
                float* source = (float*)pa + (long)channel * shape.ColumnCount + (long)image * shape.PlaneSize;
                float* target = (float*)ya + (long)unit * shape.PlaneSize;
                float offset = ba == 0 ? 0f : ((float*)ba)[channel];
                AddShifted(source, offset, beta, target, shape.PlaneSize);
            }
        });
    }

    /// <summary>target = source + offset + beta·target over count floats; beta = 0 never reads target.</summary>
    private static void AddShifted(float* source, float offset, float beta, float* target, int count)
    {
        var shift = Vector256.Create(offset);
        var scale = Vector256.Create(beta);
        int i = 0;
        for (; i <= count - 8; i += 8)
        {
            var value = Vector256.Load(source + i) + shift;
            (beta == 0f ? value : value + scale * Vector256.Load(target + i)).Store(target + i);
        }
        for (; i < count; i++)
            target[i] = source[i] + offset + (beta == 0f ? 0f : beta * target[i]);
    }

    /// <summary>columns [OutChannels, Batch·H·W] = y [Batch, OutChannels, H, W] permuted (the inverse of ColumnsToBatch).</summary>
    public static void BatchToColumns(ReadOnlySpan<float> y, Conv2dShape shape, Span<float> columns)
    {
        Require(y.Length, shape.OutputSize, "y", shape);
        Require(columns.Length, shape.OutputSize, "columns", shape);
        fixed (float* yp = y, cp = columns)
            BatchToColumns(yp, shape, cp);
    }

    private static void BatchToColumns(float* y, Conv2dShape shape, float* columns)
    {
        for (int image = 0; image < shape.BatchSize; image++)
            for (int channel = 0; channel < shape.OutChannels; channel++)
            {
                var source = new ReadOnlySpan<float>(y + ((long)image * shape.OutChannels + channel) * shape.PlaneSize, shape.PlaneSize);
                source.CopyTo(new Span<float>(columns + (long)channel * shape.ColumnCount + (long)image * shape.PlaneSize, shape.PlaneSize));
            }
    }

    /// <summary>flipped [InChannels, OutChannels, k, k] = weight [OutChannels, InChannels, k, k] transposed and turned by 180°.</summary>
    public static void FlipWeights(ReadOnlySpan<float> weight, Conv2dShape shape, Span<float> flipped)
    {
        Require(weight.Length, shape.WeightSize, "weight", shape);
        Require(flipped.Length, shape.WeightSize, "flipped", shape);
        fixed (float* wp = weight, fp = flipped)
            FlipWeights(wp, shape, fp);
    }

    private static void FlipWeights(float* weight, Conv2dShape shape, float* flipped)
    {
        int taps = shape.KernelSize * shape.KernelSize;
        for (int outChannel = 0; outChannel < shape.OutChannels; outChannel++)
            for (int inChannel = 0; inChannel < shape.InChannels; inChannel++)
                for (int tap = 0; tap < taps; tap++)
                    flipped[(inChannel * shape.OutChannels + outChannel) * taps + taps - 1 - tap] =
                        weight[(outChannel * shape.InChannels + inChannel) * taps + tap];
    }

    /// <summary>biasGrad [OutChannels] += Σ over images and pixels of yGrad [Batch, OutChannels, H, W]. The cores take
    /// channels, each summing its channels over the images in order, so the sums do not depend on the core count.</summary>
    public static void BiasBackward(ReadOnlySpan<float> yGrad, Conv2dShape shape, Span<float> biasGrad)
    {
        Require(yGrad.Length, shape.OutputSize, "yGrad", shape);
        Require(biasGrad.Length, shape.OutChannels, "biasGrad", shape);
        fixed (float* gp = yGrad, bp = biasGrad)
        {
            nint ga = (nint)gp, ba = (nint)bp;
            CpuParallel.For(shape.OutChannels, Math.Max(1, (1 << 14) / Math.Max(1, shape.BatchSize * shape.PlaneSize)), (start, end) =>
            {
                for (int channel = start; channel < end; channel++)
                {
                    float sum = 0f;
                    for (int image = 0; image < shape.BatchSize; image++)
                        sum += SimdSums.Sum((float*)ga + ((long)image * shape.OutChannels + channel) * shape.PlaneSize, shape.PlaneSize);
                    ((float*)ba)[channel] += sum;
                }
            });
        }
    }

    private static void Require(long length, long needed, string what, Conv2dShape shape)
    {
        if (length < needed)
            throw new ArgumentException($"Conv2d {shape}: {what} holds {length} floats, needs {needed}.");
    }
}
