namespace Msp.Core.Tensors;

/// <summary>
/// A seeded random source whose whole state is four integers (xoshiro256**, seeded by splitmix64), so a
/// checkpoint can save it and a resumed run draws exactly the numbers an uninterrupted one would.
/// System.Random cannot do that: its state is not exposed.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private Rng(ulong[] state) => SetState(state);

    /// <summary>The four state words, for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    public void SetState(ulong[] state)
    {
        if (state.Length != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("An Rng state is four words, not all zero.");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    public static Rng FromState(ulong[] state) => new(state);

    /// <summary>An independent stream derived from this one (for a data worker, a model init, ...).</summary>
    public Rng Fork() => new(NextUInt64());

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, count).</summary>
    public int NextInt(int count)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive.");
        // Lemire's multiply-shift with rejection: unbiased.
        ulong bound = (ulong)count;
        while (true)
        {
            ulong x = NextUInt64();
            UInt128 product = (UInt128)x * bound;
            ulong low = (ulong)product;
            if (low >= bound || low >= (0UL - bound) % bound)
                return (int)(product >> 64);
        }
    }

    /// <summary>Standard normal (Box–Muller; the second value is discarded to keep the state simple).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
