using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Data;

/// <summary>
/// Sequences over a grid of factor values, as the reference's datasets/three_dim_shapes.py and small_norb.py make
/// them: per walking factor with n values, velocity v uniform in {0, …, n div T} (the reference's default, force_moving off), its
/// sign flipped with probability ½, and start p uniform among the values that keep p + t·v on the grid for t &lt; T;
/// held factors draw one value. Frame t is the image at the factors' values at t. With SharedTransition every
/// sequence of a batch has the same velocities (position −1's draw), the equivariance test's batches.
/// </summary>
public sealed class FactorSequences : ISharedTransitionDataset
{
    public FactorSequences(IFactorImages images, IReadOnlyList<FactorRole> roles, int frames, IReadOnlySet<int> activeFactors,
        int count, bool sharedTransition = false)
    {
        if (roles.Count != images.Grid.FactorCount)
            throw new ArgumentException($"Expected a role for each of the {images.Grid.FactorCount} factors ({images.Grid}), got {roles.Count}.");
        if (frames < 1 || count < 1)
            throw new ArgumentException($"Factor sequences need at least one frame and one item, got {frames} and {count}.");
        foreach (int factor in activeFactors)
            if ((uint)factor >= (uint)roles.Count || !roles[factor].Walks)
                throw new ArgumentException($"Factor {factor} cannot move: the walking factors are " +
                    string.Join(", ", Enumerable.Range(0, roles.Count).Where(f => roles[f].Walks).Select(f => $"{f} ({images.Grid.Names[f]})")) + ".");
        for (int f = 0; f < roles.Count; f++)
            if (roles[f].HeldValues is int[] held && (held.Length == 0 || held.Any(v => (uint)v >= (uint)images.Grid.Values[f])))
                throw new ArgumentException($"The values held for factor {images.Grid.Names[f]} must lie in 0..{images.Grid.Values[f] - 1}.");
        Images = images;
        Roles = roles;
        Frames = frames;
        ActiveFactors = activeFactors;
        Count = count;
        SharedTransition = sharedTransition;
    }

    public IFactorImages Images { get; }

    public IReadOnlyList<FactorRole> Roles { get; }

    public IReadOnlySet<int> ActiveFactors { get; }

    public bool SharedTransition { get; }

    /// <summary>Sequences per epoch; items carry no meaning here (every sequence is drawn afresh), as in the reference's __len__.</summary>
    public int Count { get; }

    public int Frames { get; }

    public int Channels => Images.Channels;

    public int Height => Images.Size;

    public int Width => Images.Size;

    public FactorSequences WithSharedTransition() =>
        new(Images, Roles, Frames, ActiveFactors, Count, sharedTransition: true);

    /// <summary>Each sequence's factor velocities, from its first two frames' values.</summary>
    public string[] DescribeTransitions(ReadOnlySpan<int> items, ulong seed, long step) =>
        DrawBatch(items.Length, seed, step).Select(values => "velocities " + string.Join(", ",
            Enumerable.Range(0, Roles.Count).Select(f => Frames > 1 ? values[1, f] - values[0, f] : 0))).ToArray();

    /// <summary>The velocity of each factor (0 for held and inactive ones), as gen_v draws it.</summary>
    public int[] DrawVelocities(Rng rng)
    {
        var velocities = new int[Roles.Count];
        for (int f = 0; f < Roles.Count; f++)
            if (Roles[f].Walks && ActiveFactors.Contains(f))
            {
                int v = rng.NextInt(Images.Grid.Values[f] / Frames + 1);
                velocities[f] = rng.NextDouble() > 0.5 ? -v : v;
            }
        return velocities;
    }

    /// <summary>Factor values [T, factors] of one sequence: starts as gen_pos draws them, then p + t·v.</summary>
    public int[,] DrawSequence(Rng rng, int[]? sharedVelocities)
    {
        var velocities = sharedVelocities ?? DrawVelocities(rng);
        var values = new int[Frames, Roles.Count];
        for (int f = 0; f < Roles.Count; f++)
        {
            int start, velocity = velocities[f];
            if (Roles[f].HeldValues is int[] held)
                start = held[rng.NextInt(held.Length)];
            else
            {
                int span = Math.Abs(velocity) * (Frames - 1), count = Images.Grid.Values[f];
                start = (velocity < 0 ? span : 0) + rng.NextInt(count - span);
            }
            for (int t = 0; t < Frames; t++)
                values[t, f] = start + t * velocity;
        }
        return values;
    }

    /// <summary>The factor values <see cref="FillBatch"/> renders for a batch of <paramref name="count"/> at this seed and step.</summary>
    public int[][,] DrawBatch(int count, ulong seed, long step)
    {
        var shared = SharedTransition ? DrawVelocities(SequenceRandom.For(seed, step, -1)) : null;
        var batch = new int[count][,];
        for (int b = 0; b < count; b++)
            batch[b] = DrawSequence(SequenceRandom.For(seed, step, b), shared);
        return batch;
    }

    /// <summary>Renders a batch in parallel into <paramref name="batch"/> [items.Length, T, C, S, S].</summary>
    public unsafe void FillBatch(ReadOnlySpan<int> items, ulong seed, long step, Span<float> batch)
    {
        int frameSize = Channels * Height * Width;
        if (batch.Length != (long)items.Length * Frames * frameSize)
            throw new ArgumentException($"FillBatch: batch holds {batch.Length} floats, expected {items.Length} x {Frames} x {frameSize}.");
        var sequences = DrawBatch(items.Length, seed, step);
        int factors = Roles.Count;
        fixed (float* pointer = batch)
        {
            nint address = (nint)pointer;
            CpuParallel.For(sequences.Length * Frames, minPerChunk: 1, (start, end) =>
            {
                Span<int> values = stackalloc int[factors];
                for (int frame = start; frame < end; frame++)
                {
                    var sequence = sequences[frame / Frames];
                    for (int f = 0; f < factors; f++)
                        values[f] = sequence[frame % Frames, f];
                    Images.Render(values, new Span<float>((float*)address + (long)frame * frameSize, frameSize));
                }
            });
        }
    }
}
