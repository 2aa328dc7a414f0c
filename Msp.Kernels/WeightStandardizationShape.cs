namespace Msp.Kernels;

/// <summary>A weight [Rows, RowLength]: one row per output channel, RowLength = in·kh·kw (the row is standardised as a whole).</summary>
public readonly record struct WeightStandardizationShape(int Rows, int RowLength)
{
    public int Size => Rows * RowLength;
}
