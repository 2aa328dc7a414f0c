using Msp.Core.Tensors;

namespace Msp.Core.Devices;

/// <summary>
/// A device allocates, copies and synchronises; it has no method per op. Ops choose the kernel half by the
/// device's type (<see cref="CpuDevice"/> runs the SIMD twins, <see cref="IlgpuDevice"/> the ILGPU kernels).
/// </summary>
public interface IDevice : IDisposable
{
    DeviceKind Kind { get; }

    /// <summary>Human-readable description, e.g. "cpu (2 cores, AVX2+FMA)".</summary>
    string Name { get; }

    /// <summary>A buffer of <paramref name="length"/> floats from the pool; its contents are undefined.</summary>
    Storage Allocate(int length);

    /// <summary>Returns a buffer to the pool.</summary>
    void Release(Storage storage);

    void Upload(ReadOnlySpan<float> source, Storage destination);

    void Download(Storage source, Span<float> destination);

    /// <summary>destination[0..length) = source[0..length) on the device.</summary>
    void Copy(Storage source, Storage destination);

    /// <summary>Waits for all launched work to finish.</summary>
    void Synchronize();

    /// <summary>Buffers allocated fresh (not from the pool) since the device was made: a steady training step
    /// must not raise it.</summary>
    long FreshAllocations { get; }
}
