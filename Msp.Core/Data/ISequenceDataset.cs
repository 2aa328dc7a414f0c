namespace Msp.Core.Data;

/// <summary>
/// A source of image sequences for training and evaluation: item i (a digit, an object, ...) rendered as a sequence of
/// frames whose transformation is drawn at random. One sequence is [Frames, Channels, Height, Width] in [0, 1].
/// </summary>
public interface ISequenceDataset
{
    /// <summary>Number of items sequences are made from.</summary>
    int Count { get; }

    /// <summary>Frames per sequence (T).</summary>
    int Frames { get; }

    int Channels { get; }

    int Height { get; }

    int Width { get; }

    /// <summary>
    /// Renders one sequence per item into <paramref name="batch"/> [items.Length, Frames, Channels, Height, Width]. The
    /// random draws depend only on (seed, step, position in the batch), never on threads or earlier calls, so any batch
    /// can be regenerated exactly (resumed runs, parallel filling).
    /// </summary>
    void FillBatch(ReadOnlySpan<int> items, ulong seed, long step, Span<float> batch);
}
