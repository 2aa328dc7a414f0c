using Msp.Core.Data;

namespace Msp.Core.Evaluation;

/// <summary>
/// Pictures of a data set for a person to check: for factor-indexed images, one row per factor sweeping all its values
/// while the others stay at a base image (so each row should change one attribute only); for sequence data sets, a
/// few sequences, one per row. Grey frames are shown as grey RGB.
/// </summary>
public static class DataPreview
{
    /// <summary>Rows of tiles [3, size, size]: row f holds the images with factor f at 0, 1, …, and every other factor at
    /// <paramref name="baseValues"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<float[]?>> FactorSweeps(IFactorImages images, IReadOnlyList<int> baseValues)
    {
        var grid = images.Grid;
        if (baseValues.Count != grid.FactorCount)
            throw new ArgumentException($"The base image needs a value for each of the {grid.FactorCount} factors ({grid}).");
        var rows = new List<IReadOnlyList<float[]?>>();
        var values = new int[grid.FactorCount];
        int frameSize = images.Channels * images.Size * images.Size;
        for (int f = 0; f < grid.FactorCount; f++)
        {
            var row = new float[]?[grid.Values[f]];
            for (int v = 0; v < grid.Values[f]; v++)
            {
                for (int g = 0; g < grid.FactorCount; g++)
                    values[g] = g == f ? v : baseValues[g];
                var image = new float[frameSize];
                images.Render(values, image);
                row[v] = ImageGrid.AsRgb(image, images.Channels);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>One row per sequence of a batch of <paramref name="count"/> drawn at (<paramref name="seed"/>, step 0).</summary>
    public static IReadOnlyList<IReadOnlyList<float[]?>> Sequences(ISequenceDataset data, int count, ulong seed)
    {
        int frameSize = data.Channels * data.Height * data.Width, sequenceSize = data.Frames * frameSize;
        var batch = new float[count * sequenceSize];
        data.FillBatch(Enumerable.Range(0, count).Select(i => i % data.Count).ToArray(), seed, 0, batch);
        return Enumerable.Range(0, count).Select(i => (IReadOnlyList<float[]?>)Enumerable.Range(0, data.Frames)
            .Select(t => (float[]?)ImageGrid.AsRgb(batch.AsSpan(i * sequenceSize + t * frameSize, frameSize).ToArray(), data.Channels)).ToArray()).ToList();
    }
}
