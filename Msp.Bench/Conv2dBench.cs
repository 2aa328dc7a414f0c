using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Bench;

/// <summary>
/// 3×3 same-padding convolutions at the shapes of the MSP encoder for k = 1 on a batch of 32 frames: forward alone, and
/// forward plus the gradients of input, weight and bias.
/// </summary>
[Config(typeof(Conv2dBench.BenchConfig))]
public class Conv2dBench : IDisposable
{
    private readonly CpuDevice _device = new();
    private Tensor _x = null!, _weight = null!, _bias = null!, _seed = null!;

    /// <summary>Input (= output) channels; the spatial size halves as channels double, as in the encoder.</summary>
    [Params(32, 64, 128)]
    public int Channels { get; set; }

    private const int Batch = 32;

    private static int SideFor(int channels) => 32 * 32 / channels;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(2);
        Tensor Random(params int[] dims)
        {
            var shape = new Shape(dims);
            var data = new float[shape.Size];
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)rng.Uniform(-1, 1);
            return Tensor.FromArray(data, shape, _device);
        }
        int side = SideFor(Channels);
        _x = Random(Batch, Channels, side, side);
        _weight = Random(Channels, Channels, 3, 3);
        _bias = Random(Channels);
        _seed = Random(Batch, Channels, side, side);
        _x.RequiresGrad = _weight.RequiresGrad = _bias.RequiresGrad = true;
    }

    [Benchmark]
    public void Forward()
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        Conv2d.Forward(_x, _weight, _bias);
    }

    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = new TensorScope();
        _x.ZeroGrad();
        _weight.ZeroGrad();
        _bias.ZeroGrad();
        Tape.Backward(Conv2d.Forward(_x, _weight, _bias), _seed);
    }

    public void Dispose()
    {
        _device.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class BenchConfig : ManualConfig
    {
        public BenchConfig()
        {
            Add(GflopsColumn.Config(c =>
            {
                int channels = GflopsColumn.Parameter(c, nameof(Channels)), side = SideFor(channels);
                // One output: cin·9 multiply-adds. Backward computes the input and the weight gradient: twice that again.
                double forward = 2.0 * Batch * channels * side * side * channels * 9;
                return c.Descriptor.WorkloadMethod.Name == nameof(Forward) ? forward : 3 * forward;
            }));
        }
    }
}
