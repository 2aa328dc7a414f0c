using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Bench;

/// <summary>Square single-precision products on the cpu device: the forward alone, and forward plus both input gradients.</summary>
[Config(typeof(MatMulBench.BenchConfig))]
public class MatMulBench : IDisposable
{
    private readonly CpuDevice _device = new();
    private Tensor _a = null!, _b = null!, _seed = null!;

    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        Tensor Random(int rows, int columns)
        {
            var data = new float[rows * columns];
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)rng.Uniform(-1, 1);
            return Tensor.FromArray(data, new Shape(rows, columns), _device);
        }
        _a = Random(Size, Size);
        _b = Random(Size, Size);
        _seed = Random(Size, Size);
        _a.RequiresGrad = _b.RequiresGrad = true;
    }

    /// <summary>C = A·B: 2n³ operations.</summary>
    [Benchmark]
    public void Forward()
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        MatMul.Batched(_a, _b);
    }

    /// <summary>C = A·B, then dA = dC·Bᵀ and dB = Aᵀ·dC: 6n³ operations.</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = new TensorScope();
        _a.ZeroGrad();
        _b.ZeroGrad();
        Tape.Backward(MatMul.Batched(_a, _b), _seed);
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
                double n = GflopsColumn.Parameter(c, nameof(Size));
                return (c.Descriptor.WorkloadMethod.Name == nameof(Forward) ? 2 : 6) * n * n * n;
            }));
        }
    }
}
