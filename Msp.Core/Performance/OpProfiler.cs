using System.Diagnostics;
using Msp.Core.Tensors;

namespace Msp.Core.Performance;

/// <summary>Wall time spent in one op (named by its source file and method, e.g. "Conv2d.Forward") over a profile.</summary>
public sealed record OpTime(string Op, int Calls, double ForwardMs, double BackwardMs)
{
    public double TotalMs => ForwardMs + BackwardMs;
}

/// <summary>
/// Where a training step's time goes, op by op, on the thread that started the profile. Every op that records a
/// backward on the tape reports here: its forward time is the time since the previous op finished (or since
/// <see cref="Mark"/>), so work between ops that records nothing is charged to the next op; its backward time is its
/// backward closure's own. On an accelerator every boundary synchronises, which serialises the device: a profile shows
/// proportions, while `msp bench` without a profile shows the true step time.
/// </summary>
public sealed class OpProfiler : IDisposable
{
    [ThreadStatic]
    private static OpProfiler? _active;

    private readonly Dictionary<string, (int Calls, double ForwardMs, double BackwardMs)> _ops = [];
    private long _lastMark = Stopwatch.GetTimestamp();
    private bool _disposed;

    private OpProfiler()
    {
    }

    internal static bool IsActive => _active is not null;

    /// <summary>Starts profiling on the calling thread until the profiler is disposed.</summary>
    public static OpProfiler Start()
    {
        if (_active is not null)
            throw new InvalidOperationException("An op profile is already running on this thread; dispose it first.");
        return _active = new OpProfiler();
    }

    /// <summary>Restarts the forward clock: time before this call is charged to no op.</summary>
    public void Mark() => _lastMark = Stopwatch.GetTimestamp();

    /// <summary>The ops seen so far, the most expensive first.</summary>
    public IReadOnlyList<OpTime> Results() =>
        _ops.Select(op => new OpTime(op.Key, op.Value.Calls, op.Value.ForwardMs, op.Value.BackwardMs))
            .OrderByDescending(op => op.TotalMs).ToList();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (ReferenceEquals(_active, this))
            _active = null;
    }

    /// <summary>Charges the forward that just produced <paramref name="output"/> to <paramref name="op"/> and returns its
    /// backward wrapped so that it is timed too.</summary>
    internal static Action<Tensor> Observe(Tensor output, Action<Tensor> backward, string op)
    {
        var profiler = _active!;
        output.Device.Synchronize();
        long now = Stopwatch.GetTimestamp();
        profiler.Add(op, calls: 1, forwardMs: Stopwatch.GetElapsedTime(profiler._lastMark, now).TotalMilliseconds, backwardMs: 0);
        profiler._lastMark = now;
        return outputGrad =>
        {
            output.Device.Synchronize();
            long start = Stopwatch.GetTimestamp();
            backward(outputGrad);
            output.Device.Synchronize();
            profiler.Add(op, calls: 0, forwardMs: 0, backwardMs: Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        };
    }

    private void Add(string op, int calls, double forwardMs, double backwardMs)
    {
        _ops.TryGetValue(op, out var time);
        _ops[op] = (time.Calls + calls, time.ForwardMs + forwardMs, time.BackwardMs + backwardMs);
    }
}
