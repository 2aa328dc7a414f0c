namespace Msp.Core.Tensors;

/// <summary>
/// A tensor holds NaN or ±Inf where a finite value was required: a checkpoint about to be written, or, while a
/// numerical fault is being located, an op's output or a gradient. <see cref="Tensor"/> names it for the user.
/// </summary>
public sealed class NonFiniteTensorException(string tensor, string message) : Exception(message)
{
    /// <summary>What the tensor is: "the output of Conv2d.Forward [4, 8, 16, 16]", "the gradient of enc.phi.0.weight".</summary>
    public string Tensor { get; } = tensor;

    /// <summary>Throws when <paramref name="values"/> holds a NaN or an infinity; <paramref name="tensor"/> names it.</summary>
    public static void ThrowIfAny(ReadOnlySpan<float> values, string tensor)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new NonFiniteTensorException(tensor, $"{tensor} holds {values[i]} at element {i} of {values.Length}.");
    }
}
