using Msp.Core.Data;
using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>
/// Which sequences step s trains on, as a pure function of (seed, s): items are read in epoch-wise random
/// permutations (like a shuffling DataLoader: each epoch a new permutation; batches run on across epoch ends), and the
/// dataset draws each sequence's transformation from (seed, step, position). A run resumed at step s therefore sees
/// exactly the batches an uninterrupted run would.
/// </summary>
public sealed class BatchSampler(ISequenceDataset dataset, int batchSize, ulong seed)
{
    private readonly Dictionary<long, int[]> _permutations = [];

    public ISequenceDataset Dataset { get; } = dataset;

    public int BatchSize { get; } = batchSize;

    /// <summary>Floats in one batch: [BatchSize, Frames, Channels, Height, Width].</summary>
    public int BatchFloats => BatchSize * Dataset.Frames * Dataset.Channels * Dataset.Height * Dataset.Width;

    /// <summary>The items of step <paramref name="step"/>'s batch.</summary>
    public int[] Items(long step)
    {
        var items = new int[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            long position = step * BatchSize + i;
            items[i] = Permutation(position / Dataset.Count)[position % Dataset.Count];
        }
        return items;
    }

    /// <summary>Fills <paramref name="destination"/> with the batch of step <paramref name="step"/>.</summary>
    public void Fill(long step, float[] destination)
    {
        if (destination.Length != BatchFloats)
            throw new ArgumentException($"A batch holds {BatchFloats} floats, the buffer {destination.Length}.");
        Dataset.FillBatch(Items(step), seed, step, destination);
    }

    private int[] Permutation(long epoch)
    {
        if (_permutations.TryGetValue(epoch, out var permutation))
            return permutation;
        if (_permutations.Count > 2)
            _permutations.Clear();
        permutation = Enumerable.Range(0, Dataset.Count).ToArray();
        new Rng(seed * 0x9E3779B97F4A7C15UL ^ (0xE90C_0000_0000UL + (ulong)epoch)).Shuffle(permutation.AsSpan());
        return _permutations[epoch] = permutation;
    }
}
