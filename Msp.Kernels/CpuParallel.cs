namespace Msp.Kernels;

/// <summary>
/// Splits a range into one contiguous chunk per core for the managed SIMD kernels. Small ranges run inline:
/// a Parallel.For costs a few microseconds, more than an elementwise pass over a few thousand floats.
/// </summary>
public static class CpuParallel
{
    /// <summary>Number of worker chunks the CPU kernels split into (the machine's logical cores).</summary>
    public static int Degree { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in at most <see cref="Degree"/> chunks,
    /// inline when count is below <paramref name="minPerChunk"/> times two.</summary>
    public static void For(int count, int minPerChunk, Action<int, int> body)
    {
        if (count <= 0)
            return;
        int chunks = Math.Min(Degree, Math.Max(1, count / Math.Max(1, minPerChunk)));
        if (chunks == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, chunks, c =>
        {
            long start = (long)count * c / chunks, end = (long)count * (c + 1) / chunks;
            body((int)start, (int)end);
        });
    }
}
