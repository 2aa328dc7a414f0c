namespace Msp.Kernels;

/// <summary>
/// A 2× pooling or upsampling between a fine grid [Planes, 2·Height, 2·Width] and a coarse grid [Planes, Height, Width]
/// (Planes = batch·channels): each coarse cell owns the 2×2 block of fine cells above it.
/// </summary>
public readonly record struct PoolingShape(int Planes, int Height, int Width)
{
    public int FineHeight => 2 * Height;

    public int FineWidth => 2 * Width;

    public int CoarseSize => Planes * Height * Width;

    public int FineSize => 4 * CoarseSize;
}
