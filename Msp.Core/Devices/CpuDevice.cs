using System.Runtime.Intrinsics.X86;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Devices;

/// <summary>A buffer in managed memory, pinned so kernels can hand raw pointers to worker threads.</summary>
public sealed class CpuStorage : Storage
{
    internal CpuStorage(float[] data, int length) : base(length) => Data = data;

    internal float[] Data { get; }

    public Span<float> Span => Data.AsSpan(0, Length);
}

/// <summary>The managed CPU device: SIMD kernels over all cores.</summary>
public sealed class CpuDevice : IDevice
{
    private readonly BufferPool<float[]> _pool = new(length => GC.AllocateUninitializedArray<float>(length, pinned: true));

    public DeviceKind Kind => DeviceKind.Cpu;

    public string Name =>
        $"cpu ({CpuParallel.Degree} cores, {(Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA" : "Vector<T> " + System.Numerics.Vector<float>.Count + " lanes")})";

    public long FreshAllocations => _pool.FreshAllocations;

    public Storage Allocate(int length) => new CpuStorage(_pool.Rent(length), length);

    public void Release(Storage storage) => _pool.Return(storage.Length, ((CpuStorage)storage).Data);

    public void Upload(ReadOnlySpan<float> source, Storage destination) => source.CopyTo(((CpuStorage)destination).Span);

    public void Download(Storage source, Span<float> destination) => ((CpuStorage)source).Span.CopyTo(destination);

    public void Copy(Storage source, Storage destination) =>
        ((CpuStorage)source).Span.CopyTo(((CpuStorage)destination).Span);

    public void Synchronize()
    {
    }

    public void Dispose() => _pool.Drain();
}
