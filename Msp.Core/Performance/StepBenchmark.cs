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

/// <summary>A training step taken apart: its mean wall time, the optimizer's share and each op's (per step).</summary>
public sealed record StepProfile(float WidthFactor, double StepMs, double OptimizerMs, IReadOnlyList<OpTime> Ops);

/// <summary>
/// Times MSP's training step as `msp train` runs it — loss on a batch [n, T, 3, 32, 32] (T_cond conditioning frames, the
/// rest predicted), backward, Adam — and the forward alone, on any device. Every timed call ends by reading a scalar back
/// to the host, so an asynchronous device (CUDA) is timed to completion.
/// </summary>
public static class StepBenchmark
{
    public static StepTiming Measure(IDevice device, NetworkConfig network, int batch, int frames, int conditioningFrames, int warmup, int repeats)
    {
        CheckCounts(warmup, repeats);
        using var bench = new BenchModel(device, network, batch, frames, conditioningFrames);
        return new StepTiming(network.WidthFactor, bench.Model.ParameterCount, Time(bench.TrainStep, warmup, repeats), Time(bench.Forward, warmup, repeats));
    }

    /// <summary>The same training step, op by op (see <see cref="OpProfiler"/>): per-step means of each op's forward and
    /// backward, and of the optimizer step.</summary>
    public static StepProfile Profile(IDevice device, NetworkConfig network, int batch, int frames, int conditioningFrames, int warmup, int repeats)
    {
        CheckCounts(warmup, repeats);
        using var bench = new BenchModel(device, network, batch, frames, conditioningFrames);
        for (int i = 0; i < warmup; i++)
            bench.TrainStep();
        var step = new Stopwatch();
        var optimizer = new Stopwatch();
        using var profiler = OpProfiler.Start();
        for (int i = 0; i < repeats; i++)
        {
            step.Start();
            profiler.Mark();
            bench.TrainStep(optimizer);
            step.Stop();
        }
        double stepMs = step.Elapsed.TotalMilliseconds, optimizerMs = optimizer.Elapsed.TotalMilliseconds;
        var ops = profiler.Results().Select(op => op with { Calls = op.Calls / repeats, ForwardMs = op.ForwardMs / repeats, BackwardMs = op.BackwardMs / repeats });
        return new StepProfile(network.WidthFactor, stepMs / repeats, optimizerMs / repeats, ops.ToList());
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

    private static void CheckCounts(int warmup, int repeats)
    {
        if (warmup < 0 || repeats < 1)
            throw new ArgumentException($"Benchmark needs warmup ≥ 0 and repeats ≥ 1, got {warmup} and {repeats}.");
    }

    /// <summary>A model, its optimizer and one random batch, with the step `msp train` runs.</summary>
    private sealed class BenchModel : IDisposable
    {
        private readonly Adam _adam;
        private readonly Tensor _batch;
        private readonly int _conditioningFrames;

        public BenchModel(IDevice device, NetworkConfig network, int batch, int frames, int conditioningFrames)
        {
            var rng = new Rng(1);
            Model = new SeqAe(device, rng, network);
            _adam = new Adam(Model.NamedParameters().ToList());
            var data = new float[batch * frames * network.ChannelsX * network.ImageSize * network.ImageSize];
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)rng.Uniform(0, 1);
            _batch = Tensor.FromArray(data, new Shape(batch, frames, network.ChannelsX, network.ImageSize, network.ImageSize), device);
            _conditioningFrames = conditioningFrames;
        }

        public SeqAe Model { get; }

        public void TrainStep() => TrainStep(optimizerClock: null);

        /// <summary>Loss, backward, Adam, and the loss read back; <paramref name="optimizerClock"/> runs during Adam (under a
        /// profile every backward closure has synchronised, so it measures Adam alone).</summary>
        public void TrainStep(Stopwatch? optimizerClock)
        {
            using var scope = new TensorScope();
            Model.ZeroGrad();
            var loss = Model.Loss(_batch, _conditioningFrames).Loss;
            Tape.Backward(loss);
            optimizerClock?.Start();
            _adam.Step(3e-4);
            _ = loss.Item();
            optimizerClock?.Stop();
        }

        public void Forward()
        {
            using var scope = new TensorScope();
            using var noGrad = Tape.NoGrad();
            _ = Model.Loss(_batch, _conditioningFrames).Loss.Item();
        }

        public void Dispose()
        {
            _batch.Dispose();
            _adam.Dispose();
            Model.Dispose();
        }
    }
}
