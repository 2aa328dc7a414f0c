namespace Msp.Core.Devices;

/// <summary>Makes devices by kind and names them the way the CLI spells them.</summary>
public static class DeviceFactory
{
    public static IDevice Create(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => new CpuDevice(),
        DeviceKind.Cuda => IlgpuDevice.CreateCuda(),
        DeviceKind.IlgpuCpu => IlgpuDevice.CreateCpuSimulator(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown device kind."),
    };

    /// <summary>Parses "cpu", "cuda" or "ilgpu-cpu".</summary>
    public static DeviceKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "cpu" => DeviceKind.Cpu,
        "cuda" or "gpu" => DeviceKind.Cuda,
        "ilgpu-cpu" => DeviceKind.IlgpuCpu,
        _ => throw new ArgumentException($"Unknown accelerator '{name}': use cpu, cuda or ilgpu-cpu."),
    };

    public static string ToName(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => "cuda",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        _ => kind.ToString(),
    };
}
