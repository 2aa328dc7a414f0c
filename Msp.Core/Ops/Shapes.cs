using Msp.Core.Tensors;

namespace Msp.Core.Ops;

/// <summary>Shape changes that move no data.</summary>
public static class Shapes
{
    /// <summary>The same values under a new shape of equal size; one dimension may be −1 (inferred).
    /// Shares storage and gradient with <paramref name="x"/>, so it costs nothing and needs no backward.</summary>
    public static Tensor Reshape(Tensor x, params int[] dims)
    {
        int inferred = Array.IndexOf(dims, -1);
        if (inferred >= 0)
        {
            int known = 1;
            for (int i = 0; i < dims.Length; i++)
                if (i != inferred)
                    known *= dims[i];
            if (known == 0 || x.Size % known != 0)
                throw new ArgumentException($"Cannot reshape {x.Shape} to [{string.Join(", ", dims)}].");
            dims = (int[])dims.Clone();
            dims[inferred] = x.Size / known;
        }
        return x.ReshapeView(new Shape(dims));
    }
}
