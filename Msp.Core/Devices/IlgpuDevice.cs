using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Msp.Core.Tensors;

namespace Msp.Core.Devices;

/// <summary>A buffer in an ILGPU accelerator's memory.</summary>
public sealed class IlgpuStorage : Storage
{
    internal IlgpuStorage(MemoryBuffer1D<float, Stride1D.Dense> buffer, int length) : base(length) => Buffer = buffer;

    internal MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    public ArrayView<float> View => Buffer.View.SubView(0, Length);
}

/// <summary>
/// An ILGPU accelerator: CUDA on an NVIDIA GPU, or ILGPU's CPU accelerator (<see cref="DeviceKind.IlgpuCpu"/>) that
/// runs the same kernels as a simulator so they are tested on machines without a GPU.
/// </summary>
public sealed class IlgpuDevice : IDevice
{
    private readonly Context _context;
    private readonly BufferPool<MemoryBuffer1D<float, Stride1D.Dense>> _pool;

    private IlgpuDevice(DeviceKind kind, Context context, Accelerator accelerator)
    {
        Kind = kind;
        _context = context;
        Accelerator = accelerator;
        _pool = new BufferPool<MemoryBuffer1D<float, Stride1D.Dense>>(length => accelerator.Allocate1D<float>(Math.Max(1, length)));
    }

    public DeviceKind Kind { get; }

    public Accelerator Accelerator { get; }

    public string Name => Kind == DeviceKind.Cuda
        ? $"cuda ({Accelerator.Name}, {Accelerator.MemorySize / (1 << 20)} MiB)"
        : $"ilgpu-cpu (ILGPU CPU accelerator, warp {Accelerator.WarpSize}, {Accelerator.NumMultiprocessors} processors; a simulator)";

    public long FreshAllocations => _pool.FreshAllocations;

    /// <summary>The first CUDA device, or a <see cref="DeviceUnavailableException"/> saying why there is none.</summary>
    public static IlgpuDevice CreateCuda()
    {
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        if (context.GetCudaDevices().Count == 0)
        {
            context.Dispose();
            throw new DeviceUnavailableException(
                "No CUDA device is usable: " + CudaDiagnosis() + " Use --accelerator cpu on this machine.");
        }
        return new IlgpuDevice(DeviceKind.Cuda, context, context.CreateCudaAccelerator(0));
    }

    /// <summary>ILGPU's CPU accelerator shaped like a small GPU (warp 32, groups up to 256, 2 processors).</summary>
    public static IlgpuDevice CreateCpuSimulator()
    {
        var context = Context.Create(builder => builder.CPU(new CPUDevice(32, 8, 2)).EnableAlgorithms());
        var accelerator = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
        return new IlgpuDevice(DeviceKind.IlgpuCpu, context, accelerator);
    }

    /// <summary>Why CUDA is not available here, in one sentence.</summary>
    public static string CudaDiagnosis()
    {
        try
        {
            var api = CudaAPI.CurrentAPI;
            var status = api.GetDeviceCount(out int count);
            if (status == CudaError.CUDA_SUCCESS)
                return count == 0 ? "the CUDA driver is loaded but reports no devices." : $"the CUDA driver reports {count} device(s).";
            return $"the CUDA driver could not be used ({status}; is an NVIDIA driver installed and libcuda.so on the library path?).";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return "the CUDA driver library (libcuda.so) was not found.";
        }
    }

    public Storage Allocate(int length) => new IlgpuStorage(_pool.Rent(length), length);

    public void Release(Storage storage) => _pool.Return(storage.Length, ((IlgpuStorage)storage).Buffer);

    public void Upload(ReadOnlySpan<float> source, Storage destination)
    {
        var view = ((IlgpuStorage)destination).View;
        if (source.Length != view.Length)
            throw new ArgumentException($"Upload of {source.Length} floats into a buffer of {view.Length}.");
        view.CopyFromCPU(source);
    }

    public void Download(Storage source, Span<float> destination)
    {
        var view = ((IlgpuStorage)source).View;
        if (destination.Length != view.Length)
            throw new ArgumentException($"Download of a buffer of {view.Length} floats into {destination.Length}.");
        view.CopyToCPU(destination);
    }

    public void Copy(Storage source, Storage destination)
    {
        // ILGPU's CopyTo copies target.Length elements whatever the source length, so check here.
        if (source.Length != destination.Length)
            throw new ArgumentException($"Copy of {source.Length} floats into a buffer of {destination.Length}.");
        ((IlgpuStorage)source).View.CopyTo(((IlgpuStorage)destination).View);
    }

    public void Synchronize() => Accelerator.Synchronize();

    public void Dispose()
    {
        foreach (var buffer in _pool.Drain())
            buffer.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
    }
}
