namespace Msp.Core.Data;

/// <summary>
/// A factor-image source seen at a smaller side: each output pixel is the mean of a factor × factor block of source
/// pixels (area averaging, which is what resizing by an integer factor with anti-aliasing amounts to). Used to train
/// on real 3DShapes or SmallNORB images at the size of a small CPU config.
/// </summary>
public sealed class DownsampledImages : IFactorImages
{
    private readonly IFactorImages _source;
    private readonly int _factor;

    private DownsampledImages(IFactorImages source, int size)
    {
        _source = source;
        _factor = source.Size / size;
        Size = size;
    }

    /// <summary><paramref name="source"/> itself when it already has side <paramref name="size"/>; otherwise its
    /// downsampling, which needs the source side to be a whole multiple of <paramref name="size"/>.</summary>
    public static IFactorImages To(IFactorImages source, int size)
    {
        if (size == source.Size)
            return source;
        if (size < 1 || size > source.Size || source.Size % size != 0)
            throw new Training.ConfigException($"Images of {source.Size}×{source.Size} pixels can only be shrunk by a whole factor; image_size {size} does not divide {source.Size}.");
        return new DownsampledImages(source, size);
    }

    public FactorGrid Grid => _source.Grid;

    public int Channels => _source.Channels;

    public int Size { get; }

    public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
    {
        int sourceSide = _source.Size;
        var full = new float[Channels * sourceSide * sourceSide];
        _source.Render(factorValues, full);
        float weight = 1f / (_factor * _factor);
        for (int c = 0; c < Channels; c++)
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    float sum = 0;
                    for (int dy = 0; dy < _factor; dy++)
                        for (int dx = 0; dx < _factor; dx++)
                            sum += full[(c * sourceSide + y * _factor + dy) * sourceSide + x * _factor + dx];
                    image[(c * Size + y) * Size + x] = sum * weight;
                }
    }
}
