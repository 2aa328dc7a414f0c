namespace Msp.Core.Data;

/// <summary>
/// The factors of variation of a data set whose images sit on a grid of factor values (3DShapes, SmallNORB): each
/// factor's name and number of values, in the order the data set stores them. Image i of the grid has factor values
/// given by the row-major index (the last factor varies fastest), as the reference's get_index computes it.
/// </summary>
public sealed class FactorGrid
{
    public FactorGrid(IReadOnlyList<(string Name, int Values)> factors)
    {
        if (factors.Count == 0 || factors.Any(f => f.Values < 1))
            throw new ArgumentException("A factor grid needs at least one factor, each with at least one value.");
        Names = factors.Select(f => f.Name).ToArray();
        Values = factors.Select(f => f.Values).ToArray();
        Count = Values.Aggregate(1L, (product, values) => product * values);
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of values of each factor.</summary>
    public IReadOnlyList<int> Values { get; }

    public int FactorCount => Values.Count;

    /// <summary>Number of images on the grid (the product of the value counts).</summary>
    public long Count { get; }

    /// <summary>The flat image index of one value per factor (reference get_index).</summary>
    public long Index(ReadOnlySpan<int> factorValues)
    {
        if (factorValues.Length != FactorCount)
            throw new ArgumentException($"Expected {FactorCount} factor values ({string.Join(", ", Names)}), got {factorValues.Length}.");
        long index = 0;
        for (int f = 0; f < FactorCount; f++)
        {
            if ((uint)factorValues[f] >= (uint)Values[f])
                throw new ArgumentOutOfRangeException(nameof(factorValues), $"Factor {Names[f]} takes values 0..{Values[f] - 1}, got {factorValues[f]}.");
            index = index * Values[f] + factorValues[f];
        }
        return index;
    }

    /// <summary>The position of factor <paramref name="name"/> (its action index in the reference).</summary>
    public int IndexOf(string name)
    {
        for (int f = 0; f < FactorCount; f++)
            if (Names[f] == name)
                return f;
        throw new ArgumentException($"No factor '{name}'; the factors are {string.Join(", ", Names)}.");
    }

    public override string ToString() => string.Join(" × ", Names.Select((name, f) => $"{name} {Values[f]}"));
}
