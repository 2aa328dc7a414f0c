namespace Msp.Core.Devices;

/// <summary>Where tensors live and kernels run.</summary>
public enum DeviceKind
{
    /// <summary>Managed memory, managed SIMD kernels on all cores: the fast CPU path.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,

    /// <summary>The very same ILGPU kernels on ILGPU's CPU accelerator: a simulator that lets the CUDA kernels be
    /// executed and checked without a GPU. Thousands of times slower than <see cref="Cpu"/>; never for training.</summary>
    IlgpuCpu,
}
