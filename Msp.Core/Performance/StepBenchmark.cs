using System.Diagnostics;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Optim;
using Msp.Core.Tensors;

namespace Msp.Core.Performance;

/// <summary>Median and spread of repeated timings, in milliseconds.</summary>
public sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Repeats)
{
    public static Timing Of(IReadOnlyList<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Timing(median, sorted[0], sorted[^1], sorted.Length);
    }
}

/// <summary>What one model configuration measured: a full training step and a forward alone.</summary>
public sealed record StepTiming(float WidthFactor, int Parameters, Timing TrainStep, Timing Forward);

/// <summary>
/// Times MSP's training step as `msp train` runs it — loss on a batch [n, T, 3, 32, 32] (T_cond conditioning frames, the
/// rest predicted), backward, Adam — and the forward alone, on any device. Every timed call ends by reading a scalar back
/// to the host, so an asynchronous device (CUDA) is timed to completion.
/// </summary>
public static class StepBenchmark
{
    public static StepTiming Measure(IDevice device, NetworkConfig network, int batch, int frames, int conditioningFrames, int warmup, int repeats)
    {
        if (warmup < 0 || repeats < 1)
            throw new ArgumentException($"Benchmark needs warmup ≥ 0 and repeats ≥ 1, got {warmup} and {repeats}.");
        var rng = new Rng(1);
        using var model = new SeqAe(device, rng, network);
        using var adam = new Adam(model.NamedParameters().ToList());
        var data = new float[batch * frames * network.ChannelsX * network.ImageSize * network.ImageSize];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)rng.Uniform(0, 1);
        using var xs = Tensor.FromArray(data, new Shape(batch, frames, network.ChannelsX, network.ImageSize, network.ImageSize), device);

        void TrainStep()
        {
            using var scope = new TensorScope();
            model.ZeroGrad();
            var loss = model.Loss(xs, conditioningFrames).Loss;
            Tape.Backward(loss);
            adam.Step(3e-4);
            _ = loss.Item();
        }

        void Forward()
        {
            using var scope = new TensorScope();
            using var noGrad = Tape.NoGrad();
            _ = model.Loss(xs, conditioningFrames).Loss.Item();
        }

        return new StepTiming(network.WidthFactor, model.ParameterCount, Time(TrainStep, warmup, repeats), Time(Forward, warmup, repeats));
    }

    /// <summary>Runs <paramref name="action"/> warmup times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static Timing Time(Action action, int warmup, int repeats)
    {
        for (int i = 0; i < warmup; i++)
            action();
        var times = new List<double>(repeats);
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Timing.Of(times);
    }
}
