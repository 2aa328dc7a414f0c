using Msp.Core.Tensors;

namespace Msp.Core.Data;

/// <summary>
/// The random stream of one sequence of a batch: a pure function of (seed, step, position in the batch), so any batch
/// can be regenerated exactly whatever the thread count or the order sequences are made in. Position −1 is the
/// batch's shared transition.
/// </summary>
public static class SequenceRandom
{
    public static Rng For(ulong seed, long step, int position) =>
        new(Mix(Mix(seed ^ Mix((ulong)step + 0x632BE59BD9B4E019UL)) ^ ((ulong)(long)position + 0x9E3779B97F4A7C15UL)));

    /// <summary>The splitmix64 finaliser: a bijection that scatters nearby keys (seed, step, position) far apart.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
