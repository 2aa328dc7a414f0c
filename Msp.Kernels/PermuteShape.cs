namespace Msp.Kernels;

/// <summary>
/// y = x.permute(axes), copied: y's element at index (i₀, …, i_{Rank−1}) is x's element at Σ i_k·SourceStrides[k].
/// Fixed-size buffers so the shape can be passed to an ILGPU kernel by value.
/// </summary>
public unsafe struct PermuteShape
{
    public const int MaxRank = 6;

    public int Rank;

    /// <summary>y's dimensions.</summary>
    public fixed int Dims[MaxRank];

    /// <summary>The stride in x of a step along each axis of y.</summary>
    public fixed int SourceStrides[MaxRank];

    /// <summary>The copy of x [sourceDims] into y [sourceDims[axes[0]], …]; axes is a permutation of 0 … rank − 1.</summary>
    public static PermuteShape Create(ReadOnlySpan<int> sourceDims, ReadOnlySpan<int> axes)
    {
        var shape = new PermuteShape { Rank = sourceDims.Length };
        Span<int> strides = stackalloc int[sourceDims.Length];
        int stride = 1;
        for (int k = sourceDims.Length - 1; k >= 0; k--)
        {
            strides[k] = stride;
            stride *= sourceDims[k];
        }
        for (int k = 0; k < axes.Length; k++)
        {
            shape.Dims[k] = sourceDims[axes[k]];
            shape.SourceStrides[k] = strides[axes[k]];
        }
        return shape;
    }

    public readonly int Size
    {
        get
        {
            int size = 1;
            for (int k = 0; k < Rank; k++)
                size *= Dims[k];
            return size;
        }
    }

    /// <summary>The offset in x of y's element <paramref name="index"/> (flat, row-major).</summary>
    public readonly int SourceIndex(int index)
    {
        int source = 0;
        for (int k = Rank - 1; k >= 0; k--)
        {
            int position = index % Dims[k];
            index /= Dims[k];
            source += position * SourceStrides[k];
        }
        return source;
    }
}
