using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Msp.Core.Devices;
using Msp.Core.Performance;

namespace Msp.Bench;

/// <summary>
/// 3×3 same-padding convolutions at the shapes of the MSP encoder for k = 1 on a batch of 32 frames: forward alone, and
/// forward plus the gradients of input, weight and bias.
/// </summary>
[Config(typeof(Conv2dBench.BenchConfig))]
public class Conv2dBench : IDisposable
{
    private readonly CpuDevice _device = new();
    private OpWorkload _workload = null!;

    /// <summary>Input (= output) channels; the spatial size halves as channels double, as in the encoder.</summary>
    [Params(32, 64, 128)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = OpWorkload.Conv3x3(_device, Channels, OpWorkload.EncoderSide(Channels));

    [Benchmark]
    public void Forward() => _workload.Forward();

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
            // Backward computes the input and the weight gradient: twice the forward again.
            Add(GflopsColumn.Config(c =>
            {
                int channels = GflopsColumn.Parameter(c, nameof(Channels));
                return (c.Descriptor.WorkloadMethod.Name == nameof(Forward) ? 1 : 3) * OpWorkload.Conv3x3Flops(channels, OpWorkload.EncoderSide(channels));
            }));
        }
    }
}
