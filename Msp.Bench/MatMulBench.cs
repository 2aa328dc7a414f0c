using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Msp.Core.Devices;
using Msp.Core.Performance;

namespace Msp.Bench;

/// <summary>Square single-precision products on the cpu device: the forward alone, and forward plus both input gradients.</summary>
[Config(typeof(MatMulBench.BenchConfig))]
public class MatMulBench : IDisposable
{
    private readonly CpuDevice _device = new();
    private OpWorkload _workload = null!;

    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = OpWorkload.Gemm(_device, Size);

    /// <summary>C = A·B: 2n³ operations.</summary>
    [Benchmark]
    public void Forward() => _workload.Forward();

    /// <summary>C = A·B, then dA = dC·Bᵀ and dB = Aᵀ·dC: 6n³ operations.</summary>
    [Benchmark]
    public void ForwardBackward() => _workload.ForwardBackward();

    public void Dispose()
    {
        _workload?.Dispose();
        _device.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class BenchConfig : ManualConfig
    {
        public BenchConfig()
        {
            Add(GflopsColumn.Config(c => (c.Descriptor.WorkloadMethod.Name == nameof(Forward) ? 1 : 3)
                                         * OpWorkload.GemmFlops(GflopsColumn.Parameter(c, nameof(Size)))));
        }
    }
}
