using System.Diagnostics;
using Msp.Core.Devices;

namespace Msp.Tests.Support;

/// <summary>
/// One device of each kind for the whole run: making an ILGPU context costs hundreds of milliseconds.
/// CUDA is offered only where a GPU exists; elsewhere CUDA tests are ignored with the reason.
/// </summary>
[SetUpFixture]
public sealed class TestDevices
{
    private static readonly Lazy<CpuDevice> LazyCpu = new(() => new CpuDevice());
    private static readonly Lazy<IlgpuDevice> LazySimulator = new(IlgpuDevice.CreateCpuSimulator);
    private static readonly Lazy<IlgpuDevice?> LazyCuda = new(() =>
    {
        try
        {
            return IlgpuDevice.CreateCuda();
        }
        catch (DeviceUnavailableException)
        {
            return null;
        }
    });

    public static CpuDevice Cpu => LazyCpu.Value;

    public static IlgpuDevice Simulator => LazySimulator.Value;

    /// <summary>The device of a kind, or an ignored test when it does not exist here.</summary>
    public static IDevice Get(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => Cpu,
        DeviceKind.IlgpuCpu => Simulator,
        DeviceKind.Cuda => LazyCuda.Value ?? IgnoreCuda(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kinds every device-parameterised test runs on.</summary>
    public static IEnumerable<DeviceKind> AllKinds => [DeviceKind.Cpu, DeviceKind.IlgpuCpu, DeviceKind.Cuda];

    private static IDevice IgnoreCuda()
    {
        Assert.Ignore("No CUDA device here: " + IlgpuDevice.CudaDiagnosis());
        return null!;
    }

    [OneTimeSetUp]
    public void InstallThrowingTraceListener()
    {
        // ILGPU reports an out-of-range SubView through Trace.Assert, which would terminate the test host.
        Trace.Listeners.Clear();
        Trace.Listeners.Add(new ThrowingTraceListener());
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        if (LazySimulator.IsValueCreated)
            LazySimulator.Value.Dispose();
        if (LazyCuda.IsValueCreated)
            LazyCuda.Value?.Dispose();
        if (LazyCpu.IsValueCreated)
            LazyCpu.Value.Dispose();
    }

    private sealed class ThrowingTraceListener : TraceListener
    {
        public override void Fail(string? message, string? detailMessage) =>
            throw new InvalidOperationException($"Assertion failed: {message} {detailMessage}");

        public override void Write(string? message)
        {
        }

        public override void WriteLine(string? message)
        {
        }
    }
}
