using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Memory moves for concatenation, slicing, broadcasting, tiling and permutation: the managed half, split over the
/// cores by destination element. Every sum runs in a fixed order, so results repeat bit for bit.
/// </summary>
public static unsafe partial class LayoutKernels
{
    private const int MinPerTask = 1 << 15;

    /// <summary>destination blocks = source blocks (see <see cref="BlockCopyShape"/>).</summary>
    public static void CopyBlocks(ReadOnlySpan<float> source, BlockCopyShape shape, Span<float> destination) =>
        ForEachSegment(source, shape, destination, &CopySegment);

    /// <summary>destination blocks += source blocks. Destination blocks must not overlap.</summary>
    public static void AddBlocks(ReadOnlySpan<float> source, BlockCopyShape shape, Span<float> destination) =>
        ForEachSegment(source, shape, destination, &AddSegment);

    // Splits the Size floats of the copy over the cores and hands each contiguous piece of a block to `segment`.
    private static void ForEachSegment(ReadOnlySpan<float> source, BlockCopyShape shape, Span<float> destination,
        delegate*<float*, float*, int, void> segment)
    {
        Debug.Assert(shape.Blocks == 0 || (shape.SourceOffset + (shape.Blocks - 1L) * shape.SourceStride + shape.BlockLength <= source.Length &&
                                           shape.DestinationOffset + (shape.Blocks - 1L) * shape.DestinationStride + shape.BlockLength <= destination.Length));
        fixed (float* sp = source, dp = destination)
        {
            nint sa = (nint)sp, da = (nint)dp, segmentAddress = (nint)segment;
            CpuParallel.For(shape.Size, MinPerTask, (start, end) =>
            {
                var run = (delegate*<float*, float*, int, void>)segmentAddress;
                for (int i = start; i < end;)
                {
                    int block = i / shape.BlockLength, within = i - block * shape.BlockLength;
                    int count = Math.Min(shape.BlockLength - within, end - i);
                    run((float*)sa + shape.SourceOffset + (long)block * shape.SourceStride + within,
                        (float*)da + shape.DestinationOffset + (long)block * shape.DestinationStride + within, count);
                    i += count;
                }
            });
        }
    }

    private static void CopySegment(float* source, float* destination, int count) =>
        new ReadOnlySpan<float>(source, count).CopyTo(new Span<float>(destination, count));

    private static void AddSegment(float* source, float* destination, int count)
    {
        int i = 0;
        for (; i <= count - 8; i += 8)
            Vector256.Store(Vector256.Load(destination + i) + Vector256.Load(source + i), destination + i);
        for (; i < count; i++)
            destination[i] += source[i];
    }

    /// <summary>destination[i] += Σ_k source[k, i], k in order: the backward of a broadcast over a leading axis.
    /// source [count, length], destination [length].</summary>
    public static void AddBatchSum(ReadOnlySpan<float> source, int count, Span<float> destination)
    {
        Debug.Assert(source.Length == count * destination.Length);
        int length = destination.Length;
        fixed (float* sp = source, dp = destination)
        {
            nint sa = (nint)sp, da = (nint)dp;
            CpuParallel.For(length, MinPerTask / Math.Max(1, count), (start, end) =>
            {
                float* s = (float*)sa, d = (float*)da;
                int i = start;
                for (; i <= end - 8; i += 8)
                {
                    var sum = Vector256<float>.Zero;
                    for (int k = 0; k < count; k++)
                        sum += Vector256.Load(s + (long)k * length + i);
                    Vector256.Store(Vector256.Load(d + i) + sum, d + i);
                }
                for (; i < end; i++)
                {
                    float sum = 0f;
                    for (int k = 0; k < count; k++)
                        sum += s[(long)k * length + i];
                    d[i] += sum;
                }
            });
        }
    }

    /// <summary>destination[r, j] = source[r] for j &lt; repeats. source [rows], destination [rows, repeats].</summary>
    public static void Repeat(ReadOnlySpan<float> source, int repeats, Span<float> destination)
    {
        Debug.Assert(destination.Length == source.Length * repeats);
        fixed (float* sp = source, dp = destination)
        {
            nint sa = (nint)sp, da = (nint)dp;
            CpuParallel.For(source.Length, MinPerTask / Math.Max(1, repeats), (start, end) =>
            {
                for (int row = start; row < end; row++)
                    new Span<float>((float*)da + (long)row * repeats, repeats).Fill(((float*)sa)[row]);
            });
        }
    }

    /// <summary>destination[r] += Σ_j source[r, j]: the backward of <see cref="Repeat(ReadOnlySpan{float}, int, Span{float})"/>.</summary>
    public static void AddRowSums(ReadOnlySpan<float> source, int rowLength, Span<float> destination)
    {
        Debug.Assert(source.Length == destination.Length * rowLength);
        fixed (float* sp = source, dp = destination)
        {
            nint sa = (nint)sp, da = (nint)dp;
            CpuParallel.For(destination.Length, MinPerTask / Math.Max(1, rowLength), (start, end) =>
            {
                for (int row = start; row < end; row++)
                    ((float*)da)[row] += SimdSums.Sum((float*)sa + (long)row * rowLength, rowLength);
            });
        }
    }

    /// <summary>destination = source permuted (see <see cref="PermuteShape"/>), one output row (last axis) at a time.</summary>
    public static void Permute(ReadOnlySpan<float> source, PermuteShape shape, Span<float> destination)
    {
        Debug.Assert(source.Length == shape.Size && destination.Length == shape.Size);
        int lastDim = shape.Rank == 0 ? 1 : shape.Dims[shape.Rank - 1];
        int lastStride = shape.Rank == 0 ? 1 : shape.SourceStrides[shape.Rank - 1];
        if (lastDim == 0)
            return;
        fixed (float* sp = source, dp = destination)
        {
            // A struct with fixed buffers cannot be captured; the lambda reads it through its address (it outlives the loop).
            nint sa = (nint)sp, da = (nint)dp, shapeAddress = (nint)(&shape);
            CpuParallel.For(shape.Size / lastDim, MinPerTask / lastDim + 1, (start, end) =>
            {
                float* s = (float*)sa, d = (float*)da;
                var permutation = (PermuteShape*)shapeAddress;
                for (int line = start; line < end; line++)
                {
                    long first = (long)line * lastDim;
                    float* from = s + permutation->SourceIndex((int)first), to = d + first;
                    for (int j = 0; j < lastDim; j++)
                        to[j] = from[(long)j * lastStride];
                }
            });
        }
    }
}
