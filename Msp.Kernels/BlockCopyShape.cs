namespace Msp.Kernels;

/// <summary>
/// <see cref="Blocks"/> runs of <see cref="BlockLength"/> contiguous floats: block b is read at
/// SourceOffset + b·SourceStride and written at DestinationOffset + b·DestinationStride. Concatenation, slicing and
/// batch broadcasting are all such copies (a stride of 0 reads one block again and again).
/// </summary>
public readonly record struct BlockCopyShape(int Blocks, int BlockLength, int SourceStride, int SourceOffset, int DestinationStride,
    int DestinationOffset)
{
    public int Size => Blocks * BlockLength;

    /// <summary>The copy the other way: what the backward of a copy adds its gradient through.</summary>
    public BlockCopyShape Reversed => new(Blocks, BlockLength, DestinationStride, DestinationOffset, SourceStride, SourceOffset);
}
