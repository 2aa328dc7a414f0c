namespace Msp.Core.Tensors;

/// <summary>
/// A flat float32 buffer owned by one device. Storages come from the device's pool and go back to it when
/// the tensor scope that made them ends, so a steady training step allocates no new buffers.
/// </summary>
public abstract class Storage
{
    protected Storage(int length) => Length = length;

    public int Length { get; }

    /// <summary>Set when the storage has gone back to the pool; using it after that is a bug.</summary>
    internal bool Released { get; set; }
}
