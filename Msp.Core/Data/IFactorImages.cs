namespace Msp.Core.Data;

/// <summary>
/// Images indexed by a grid of factor values: a file of the real data set, or a renderer standing in for it. One image
/// is [Channels, Size, Size], channel-first, in [0, 1].
/// </summary>
public interface IFactorImages
{
    FactorGrid Grid { get; }

    int Channels { get; }

    /// <summary>Image side in pixels.</summary>
    int Size { get; }

    /// <summary>Writes the image of <paramref name="factorValues"/> (one value per factor of <see cref="Grid"/>) into
    /// <paramref name="image"/> [Channels, Size, Size]. Safe to call from several threads at once.</summary>
    void Render(ReadOnlySpan<int> factorValues, Span<float> image);
}
