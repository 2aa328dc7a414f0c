using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>
/// Ops that move data without arithmetic: torch.cat, slicing, broadcasting over a new batch axis, einops' spatial
/// repeat and torch.permute. All copy (a reshape is free: <see cref="Shapes.Reshape"/>); each backward moves the
/// gradient back the other way and adds it.
/// </summary>
public static class Layout
{
    /// <summary>torch.cat(parts, axis): parts of one rank whose dimensions agree except along axis (negative counts
    /// from the end) → the parts one after another along axis.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> parts, int axis)
    {
        const string op = nameof(Layout) + "." + nameof(Concat);
        if (parts.Count == 0)
            throw new ArgumentException($"{op}: needs at least one tensor.");
        var first = parts[0];
        axis = NormalizeAxis(axis, first.Shape.Rank, op);
        var dims = first.Shape.ToArray();
        dims[axis] = 0;
        foreach (var part in parts)
        {
            if (part.Shape.Rank != first.Shape.Rank || Enumerable.Range(0, dims.Length).Any(k => k != axis && part.Shape[k] != first.Shape[k]))
                throw new ArgumentException($"{op}: shapes {string.Join(", ", parts.Select(p => p.Shape))} differ outside axis {axis}.");
            Check.SameDevice(first, part, op);
            dims[axis] += part.Shape[axis];
        }
        var y = Tensor.Empty(new Shape(dims), first.Device);
        int outer = first.Shape.SizeOf(0, axis), inner = first.Shape.SizeOf(axis + 1, dims.Length);
        var windows = new BlockCopyShape[parts.Count];
        for (int p = 0, start = 0; p < parts.Count; start += parts[p].Shape[axis], p++)
        {
            windows[p] = AxisWindow(outer, inner, dims[axis], start, parts[p].Shape[axis]);
            CopyBlocks(parts[p], windows[p].Reversed, y);
        }
        if (Tape.IsRecording && parts.Any(p => p.RequiresGrad))
            Tape.Record(y, yGrad =>
            {
                for (int p = 0; p < parts.Count; p++)
                    if (parts[p].RequiresGrad)
                        AddBlocks(yGrad, windows[p], parts[p].GradForAccumulation());
            });
        return y;
    }

    /// <summary>x[..., start : start + length, ...] along axis (negative counts from the end), copied.</summary>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        const string op = nameof(Layout) + "." + nameof(Slice);
        axis = NormalizeAxis(axis, x.Shape.Rank, op);
        if (start < 0 || length < 0 || start + length > x.Shape[axis])
            throw new ArgumentException($"{op}: [{start}, {start + length}) is not within axis {axis} of {x.Shape}.");
        var dims = x.Shape.ToArray();
        dims[axis] = length;
        var y = Tensor.Empty(new Shape(dims), x.Device);
        var window = AxisWindow(x.Shape.SizeOf(0, axis), x.Shape.SizeOf(axis + 1, dims.Length), x.Shape[axis], start, length);
        CopyBlocks(x, window, y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => AddBlocks(yGrad, window.Reversed, x.GradForAccumulation()));
        return y;
    }

    /// <summary>x [d...] → [count, d...], count copies (the reference's tiling of one embedding over the batch).
    /// Backward sums the copies.</summary>
    public static Tensor BroadcastBatch(Tensor x, int count)
    {
        if (count < 0)
            throw new ArgumentException($"{nameof(Layout)}.{nameof(BroadcastBatch)}: count must be non-negative, got {count}.");
        var y = Tensor.Empty(new Shape([count, .. x.Shape.ToArray()]), x.Device);
        CopyBlocks(x, new BlockCopyShape(count, x.Size, 0, 0, x.Size, 0), y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => BroadcastBatchBackward(yGrad, count, x.GradForAccumulation()));
        return y;
    }

    private static void BroadcastBatchBackward(Tensor yGrad, int count, Tensor xGrad)
    {
        if (xGrad.Device is IlgpuDevice gpu)
            LayoutKernels.AddBatchSum(gpu.Accelerator, yGrad.View, count, xGrad.View);
        else
            LayoutKernels.AddBatchSum(yGrad.Span, count, xGrad.Span);
    }

    /// <summary>einops repeat 'n c -> n c h w': x [n, c] → [n, c, height, width], each value over its whole plane.</summary>
    public static Tensor TileSpatial(Tensor x, int height, int width)
    {
        const string op = nameof(Layout) + "." + nameof(TileSpatial);
        Check.Rank(x, 2, op, "x");
        if (height < 0 || width < 0)
            throw new ArgumentException($"{op}: height and width must be non-negative, got {height}×{width}.");
        int plane = height * width;
        var y = Tensor.Empty(new Shape(x.Shape[0], x.Shape[1], height, width), x.Device);
        if (x.Device is IlgpuDevice gpu)
            LayoutKernels.Repeat(gpu.Accelerator, x.View, plane, y.View);
        else
            LayoutKernels.Repeat(x.Span, plane, y.Span);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => TileSpatialBackward(yGrad, plane, x.GradForAccumulation()));
        return y;
    }

    private static void TileSpatialBackward(Tensor yGrad, int plane, Tensor xGrad)
    {
        if (xGrad.Device is IlgpuDevice gpu)
            LayoutKernels.AddRowSums(gpu.Accelerator, yGrad.View, plane, xGrad.View);
        else
            LayoutKernels.AddRowSums(yGrad.Span, plane, xGrad.Span);
    }

    /// <summary>torch.permute(x, axes), copied: y's axis k is x's axis axes[k] (negative counts from the end).
    /// Rank at most <see cref="PermuteShape.MaxRank"/>. Backward permutes the gradient back.</summary>
    public static Tensor Permute(Tensor x, params int[] axes)
    {
        const string op = nameof(Layout) + "." + nameof(Permute);
        int rank = x.Shape.Rank;
        if (rank > PermuteShape.MaxRank)
            throw new ArgumentException($"{op}: rank {rank} ({x.Shape}) is above the supported {PermuteShape.MaxRank}.");
        if (axes.Length != rank)
            throw new ArgumentException($"{op}: {axes.Length} axes given for x of shape {x.Shape}.");
        axes = axes.Select(a => NormalizeAxis(a, rank, op)).ToArray();
        if (axes.Distinct().Count() != rank)
            throw new ArgumentException($"{op}: axes [{string.Join(", ", axes)}] are not a permutation of 0 … {rank - 1}.");
        var dims = x.Shape.ToArray();
        var y = Tensor.Empty(new Shape(axes.Select(a => dims[a]).ToArray()), x.Device);
        Permute(x, PermuteShape.Create(dims, axes), y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => PermuteBackward(yGrad, axes, x.GradForAccumulation()));
        return y;
    }

    private static void PermuteBackward(Tensor yGrad, int[] axes, Tensor xGrad)
    {
        var inverse = new int[axes.Length];
        for (int k = 0; k < axes.Length; k++)
            inverse[axes[k]] = k;
        var permutedBack = Tensor.Empty(xGrad.Shape, xGrad.Device);
        Permute(yGrad, PermuteShape.Create(yGrad.Shape.ToArray(), inverse), permutedBack);
        Elementwise.Accumulate(permutedBack, 1f, xGrad);
    }

    // The `length` positions from `start` of an axis of `axisLength`, between dims [outer, axisLength, inner] and a
    // dense [outer, length, inner]: one block of length·inner floats per outer index.
    private static BlockCopyShape AxisWindow(int outer, int inner, int axisLength, int start, int length) =>
        new(outer, length * inner, axisLength * inner, start * inner, length * inner, 0);

    private static int NormalizeAxis(int axis, int rank, string op)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentException($"{op}: axis {axis} is out of range for rank {rank}.");
        return axis < 0 ? axis + rank : axis;
    }

    private static void CopyBlocks(Tensor source, BlockCopyShape shape, Tensor destination)
    {
        if (source.Device is IlgpuDevice gpu)
            LayoutKernels.CopyBlocks(gpu.Accelerator, source.View, shape, destination.View);
        else
            LayoutKernels.CopyBlocks(source.Span, shape, destination.Span);
    }

    private static void AddBlocks(Tensor source, BlockCopyShape shape, Tensor destination)
    {
        if (source.Device is IlgpuDevice gpu)
            LayoutKernels.AddBlocks(gpu.Accelerator, source.View, shape, destination.View);
        else
            LayoutKernels.AddBlocks(source.Span, shape, destination.Span);
    }

    private static void Permute(Tensor source, PermuteShape shape, Tensor destination)
    {
        if (source.Device is IlgpuDevice gpu)
            LayoutKernels.Permute(gpu.Accelerator, source.View, shape, destination.View);
        else
            LayoutKernels.Permute(source.Span, shape, destination.Span);
    }
}
