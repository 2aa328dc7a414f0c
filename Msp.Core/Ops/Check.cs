using Msp.Core.Tensors;

namespace Msp.Core.Ops;

/// <summary>Argument checks shared by the ops: every op validates before it allocates or launches anything.</summary>
internal static class Check
{
    public static void SameShape(Tensor a, Tensor b, string op)
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} differ.");
        SameDevice(a, b, op);
    }

    public static void SameDevice(Tensor a, Tensor b, string op)
    {
        if (!ReferenceEquals(a.Device, b.Device))
            throw new ArgumentException($"{op}: tensors live on different devices ({a.Device.Name} and {b.Device.Name}).");
    }

    public static void Rank(Tensor x, int rank, string op, string what)
    {
        if (x.Shape.Rank != rank)
            throw new ArgumentException($"{op}: {what} must have rank {rank}, got shape {x.Shape}.");
    }
}
