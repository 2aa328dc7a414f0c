using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Performance;

/// <summary>
/// One op at one shape, ready to time: its random inputs (U(−1, 1), requiring gradients), the op, and a seed gradient
/// for its output. `msp bench` and the BenchmarkDotNet suites time the same workloads, so their figures compare.
/// </summary>
public sealed class OpWorkload : IDisposable
{
    private readonly IDevice _device;
    private readonly Tensor[] _inputs;
    private readonly Tensor _seed;
    private readonly Func<Tensor[], Tensor> _op;

    private OpWorkload(IDevice device, string family, string shape, double flops, int[][] inputDims, int[] outputDims, Func<Tensor[], Tensor> op, ulong seed)
    {
        var rng = new Rng(seed);
        Tensor Random(int[] dims)
        {
            var tensorShape = new Shape(dims);
            var tensor = Tensor.FromArray(Init.Uniform(rng, tensorShape.Size, 1.0), tensorShape, device);
            tensor.RequiresGrad = true;
            return tensor;
        }
        (_device, Family, Shape, Flops, _op) = (device, family, shape, flops, op);
        using (TensorScope.Enter(null))
        {
            _inputs = inputDims.Select(Random).ToArray();
            _seed = Random(outputDims);
        }
    }

    public string Family { get; }

    public string Shape { get; }

    /// <summary>Floating-point operations of one forward (2 per multiply-add).</summary>
    public double Flops { get; }

    /// <summary>C = A·B for square n × n matrices.</summary>
    public static OpWorkload Gemm(IDevice device, int n) =>
        new(device, "sgemm", $"{n}³", GemmFlops(n), [[n, n], [n, n]], [n, n], t => MatMul.Batched(t[0], t[1]), seed: 2);

    public static double GemmFlops(int n) => 2.0 * n * n * n;

    /// <summary>A 3×3 same-padding convolution with bias, channels in = out, on a batch of frames of side × side.</summary>
    public static OpWorkload Conv3x3(IDevice device, int channels, int side, int batch = 32) =>
        new(device, "conv3x3", $"{batch}×{channels}×{side}²", Conv3x3Flops(channels, side, batch),
            [[batch, channels, side, side], [channels, channels, 3, 3], [channels]], [batch, channels, side, side],
            t => Conv2d.Forward(t[0], t[1], t[2]), seed: 3);

    public static double Conv3x3Flops(int channels, int side, int batch = 32) => 2.0 * batch * channels * side * side * channels * 9;

    /// <summary>The spatial side at which the encoder (k = 1) runs a layer of <paramref name="channels"/> channels: 32 × 32 at 32.</summary>
    public static int EncoderSide(int channels) => 32 * 32 / channels;

    /// <summary>The op alone, no tape, to completion on the device.</summary>
    public void Forward()
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        _op(_inputs);
        _device.Synchronize();
    }

    /// <summary>The op and its backward into every input (gradients zeroed first), to completion on the device.</summary>
    public void ForwardBackward()
    {
        using var scope = new TensorScope();
        foreach (var input in _inputs)
            input.ZeroGrad();
        Tape.Backward(_op(_inputs), _seed);
        _device.Synchronize();
    }

    public void Dispose()
    {
        foreach (var input in _inputs)
            input.Dispose();
        _seed.Dispose();
    }
}

/// <summary>An op family's arithmetic rate at one shape.</summary>
public sealed record OpRate(string Family, string Shape, double Flops, Timing Forward, Timing ForwardBackward)
{
    public double ForwardGflops => Flops / (Forward.MedianMs * 1e6);

    /// <summary>Backward of a product or convolution costs twice its forward (both input gradients).</summary>
    public double ForwardBackwardGflops => 3 * Flops / (ForwardBackward.MedianMs * 1e6);
}

/// <summary>GFLOP/s of the op families a training step spends its time in: SGEMM and 3×3 convolution.</summary>
public static class OpBenchmark
{
    public static IEnumerable<OpRate> Measure(IDevice device, int warmup, int repeats)
    {
        foreach (int n in new[] { 512, 1024, 2048 })
            yield return Time(OpWorkload.Gemm(device, n), warmup, repeats);
        foreach (int channels in new[] { 32, 64, 128 })
            yield return Time(OpWorkload.Conv3x3(device, channels, OpWorkload.EncoderSide(channels)), warmup, repeats);
    }

    private static OpRate Time(OpWorkload workload, int warmup, int repeats)
    {
        using (workload)
            return new OpRate(workload.Family, workload.Shape, workload.Flops,
                StepBenchmark.Time(workload.Forward, warmup, repeats), StepBenchmark.Time(workload.ForwardBackward, warmup, repeats));
    }
}
