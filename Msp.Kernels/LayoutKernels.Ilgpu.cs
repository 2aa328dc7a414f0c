using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>Memory moves: the ILGPU half, one thread per destination element. Shapes as in the SIMD half.</summary>
public static partial class LayoutKernels
{
    private static void CopyBlocksKernel(Index1D i, ArrayView<float> source, BlockCopyShape shape, ArrayView<float> destination)
    {
        int block = i / shape.BlockLength, within = i - block * shape.BlockLength;
        destination[shape.DestinationOffset + block * shape.DestinationStride + within] = source[shape.SourceOffset + block * shape.SourceStride + within];
    }

    public static void CopyBlocks(Accelerator accelerator, ArrayView<float> source, BlockCopyShape shape, ArrayView<float> destination)
    {
        if (shape.Size == 0)
            return;
        var kernel = KernelCache.Get(accelerator, CopyBlocksKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, BlockCopyShape, ArrayView<float>>(CopyBlocksKernel));
        kernel(shape.Size, source, shape, destination);
    }

    private static void AddBlocksKernel(Index1D i, ArrayView<float> source, BlockCopyShape shape, ArrayView<float> destination)
    {
        int block = i / shape.BlockLength, within = i - block * shape.BlockLength;
        destination[shape.DestinationOffset + block * shape.DestinationStride + within] += source[shape.SourceOffset + block * shape.SourceStride + within];
    }

    public static void AddBlocks(Accelerator accelerator, ArrayView<float> source, BlockCopyShape shape, ArrayView<float> destination)
    {
        if (shape.Size == 0)
            return;
        var kernel = KernelCache.Get(accelerator, AddBlocksKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, BlockCopyShape, ArrayView<float>>(AddBlocksKernel));
        kernel(shape.Size, source, shape, destination);
    }

    private static void AddBatchSumKernel(Index1D i, ArrayView<float> source, int count, ArrayView<float> destination)
    {
        int length = destination.IntLength;
        float sum = 0f;
        for (int k = 0; k < count; k++)
            sum += source[k * length + i];
        destination[i] += sum;
    }

    public static void AddBatchSum(Accelerator accelerator, ArrayView<float> source, int count, ArrayView<float> destination)
    {
        if (destination.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, AddBatchSumKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(AddBatchSumKernel));
        kernel(destination.IntLength, source, count, destination);
    }

    private static void RepeatKernel(Index1D i, ArrayView<float> source, int repeats, ArrayView<float> destination) =>
        destination[i] = source[i / repeats];

    public static void Repeat(Accelerator accelerator, ArrayView<float> source, int repeats, ArrayView<float> destination)
    {
        if (destination.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, RepeatKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(RepeatKernel));
        kernel(destination.IntLength, source, repeats, destination);
    }

    private static void AddRowSumsKernel(Index1D row, ArrayView<float> source, int rowLength, ArrayView<float> destination)
    {
        float sum = 0f;
        for (int j = 0; j < rowLength; j++)
            sum += source[row * rowLength + j];
        destination[row] += sum;
    }

    public static void AddRowSums(Accelerator accelerator, ArrayView<float> source, int rowLength, ArrayView<float> destination)
    {
        if (destination.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, AddRowSumsKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(AddRowSumsKernel));
        kernel(destination.IntLength, source, rowLength, destination);
    }

    private static void PermuteKernel(Index1D i, ArrayView<float> source, PermuteShape shape, ArrayView<float> destination) =>
        destination[i] = source[shape.SourceIndex(i)];

    public static void Permute(Accelerator accelerator, ArrayView<float> source, PermuteShape shape, ArrayView<float> destination)
    {
        if (destination.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, PermuteKernel,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, PermuteShape, ArrayView<float>>(PermuteKernel));
        kernel(destination.IntLength, source, shape, destination);
    }
}
