namespace Msp.Kernels;

/// <summary>
/// Group normalisation of x [Batch, Channels, Spatial] (Spatial = the product of the trailing dimensions) in
/// <see cref="Groups"/> groups. A (batch, group) row is the <see cref="RowLength"/> contiguous floats of the group's
/// channels; it has one mean and one rstd. Rows are numbered batch·Groups + group.
/// </summary>
public readonly record struct GroupNormShape(int Batch, int Channels, int Groups, int Spatial)
{
    public int ChannelsPerGroup => Channels / Groups;

    public int Rows => Batch * Groups;

    public int RowLength => ChannelsPerGroup * Spatial;

    public int Size => Batch * Channels * Spatial;
}
