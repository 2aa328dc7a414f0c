namespace Msp.Core.Tensors;

/// <summary>The dimensions of a tensor, outermost first (row-major, as PyTorch).</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        foreach (int d in dims)
            if (d < 0)
                throw new ArgumentException($"Shape dimensions must be non-negative, got [{string.Join(", ", dims)}].");
        _dims = (int[])dims.Clone();
    }

    public int Rank => _dims?.Length ?? 0;

    public int this[int axis] => _dims[axis < 0 ? axis + Rank : axis];

    /// <summary>Number of elements (1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long size = 1;
            foreach (int d in _dims ?? [])
                size *= d;
            if (size > int.MaxValue)
                throw new InvalidOperationException($"Tensor of shape {this} has more than 2^31 elements.");
            return (int)size;
        }
    }

    public int[] ToArray() => (int[])(_dims ?? []).Clone();

    /// <summary>Product of the dimensions in [start, end).</summary>
    public int SizeOf(int start, int end)
    {
        int size = 1;
        for (int i = start; i < end; i++)
            size *= _dims[i];
        return size;
    }

    public bool Equals(Shape other) => (_dims ?? []).AsSpan().SequenceEqual(other._dims ?? []);

    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dims ?? [])
            hash.Add(d);
        return hash.ToHashCode();
    }

    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    public override string ToString() => $"[{string.Join(", ", _dims ?? [])}]";
}
