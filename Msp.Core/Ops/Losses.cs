using Msp.Core.Tensors;

namespace Msp.Core.Ops;

/// <summary>Training losses, composed from ops that carry their own gradients.</summary>
public static class Losses
{
    /// <summary>Σ (prediction − target)² over all elements → []; prediction and target of one shape. The MSP loss is
    /// this divided by batch·frames (a sum over pixels, a mean over predicted frames).</summary>
    public static Tensor SumSquaredError(Tensor prediction, Tensor target)
    {
        Check.SameShape(prediction, target, nameof(Losses) + "." + nameof(SumSquaredError));
        return Reductions.SumOfSquares(Elementwise.Subtract(prediction, target));
    }
}
