namespace Msp.Kernels;

/// <summary>
/// A stride-1 "same" 2-D convolution as PyTorch's Conv2d(padding=(k−1)/2) computes it (cross-correlation, odd k):
/// x [BatchSize, InChannels, Height, Width], weight [OutChannels, InChannels, KernelSize, KernelSize], bias [OutChannels],
/// y [BatchSize, OutChannels, Height, Width]. The kernels lower it to a GEMM over the im2col matrix
/// columns [InChannels·KernelSize², BatchSize·Height·Width] (row (c, ky, kx), column (image, py, px)).
/// </summary>
public readonly record struct Conv2dShape(int BatchSize, int InChannels, int OutChannels, int Height, int Width, int KernelSize)
{
    public int Padding => (KernelSize - 1) / 2;

    public int PlaneSize => Height * Width;

    /// <summary>Rows of the im2col matrix: one per (input channel, ky, kx).</summary>
    public int ColumnRows => InChannels * KernelSize * KernelSize;

    /// <summary>Columns of the im2col matrix: one per (image, output pixel).</summary>
    public int ColumnCount => BatchSize * PlaneSize;

    public int InputSize => BatchSize * InChannels * PlaneSize;

    public int OutputSize => BatchSize * OutChannels * PlaneSize;

    public int WeightSize => OutChannels * ColumnRows;

    /// <summary>The convolution whose forward gives this one's input gradient: channels swapped, weights flipped in
    /// both spatial directions and transposed to [InChannels, OutChannels, k, k] (valid for stride 1, same padding).</summary>
    public Conv2dShape Transposed() => this with { InChannels = OutChannels, OutChannels = InChannels };

    /// <summary>2·OutChannels·InChannels·k²·Height·Width per image: the multiply-adds of the forward, which backward-data
    /// and backward-weight each repeat.</summary>
    public double Flops => 2.0 * OutChannels * ColumnRows * ColumnCount;

    public override string ToString() =>
        $"[{BatchSize} images, {InChannels}→{OutChannels} channels, {Height}×{Width}, {KernelSize}×{KernelSize} kernel]";
}
