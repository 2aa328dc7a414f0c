using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// MSP's transition (reference LinearTensorDynamicsLSTSQ): from latents H [n, t, m, a] of a sequence, the matrix
/// M* = argmin_M Σ_t ‖H_t M − H_{t+1}‖² = (H0ᵀH0)⁻¹H0ᵀH1 with H0, H1 the first and last t−1 frames stacked row-wise
/// ([n, (t−1)·m, a]); differentiable, so the encoder learns latents whose dynamics are linear.
/// </summary>
public static class LeastSquaresTransition
{
    /// <summary>M* [n, a, a] from H [n, t, m, a] (t ≥ 2).</summary>
    public static Tensor Fit(Tensor h)
    {
        var (n, t, m, a) = Dims(h);
        if (t < 2)
            throw new ArgumentException($"The least-squares transition needs at least 2 frames of latents, got H of shape {h.Shape}.");
        var h0 = Shapes.Reshape(Layout.Slice(h, 1, 0, t - 1), n, (t - 1) * m, a);
        var h1 = Shapes.Reshape(Layout.Slice(h, 1, 1, t - 1), n, (t - 1) * m, a);
        return LeastSquares.Solve(h0, h1);
    }

    /// <summary>H M for every frame: H [n, t, m, a], M [n, a, a] → [n, t, m, a].</summary>
    public static Tensor Apply(Tensor h, Tensor transition)
    {
        var (n, t, m, a) = Dims(h);
        var product = MatMul.Batched(Shapes.Reshape(h, n, t * m, a), transition);
        return Shapes.Reshape(product, n, t, m, a);
    }

    /// <summary>H_{T+1..T+rolls} = H_T M^k, k = 1..rolls: [n, 1, m, a] → [n, rolls, m, a].</summary>
    public static Tensor Rollout(Tensor last, Tensor transition, int rolls)
    {
        if (rolls < 1)
            throw new ArgumentException($"Rollout needs at least one step, got {rolls}.");
        var frames = new List<Tensor>(rolls);
        var current = last;
        for (int k = 0; k < rolls; k++)
        {
            current = Apply(current, transition);
            frames.Add(current);
        }
        return frames.Count == 1 ? frames[0] : Layout.Concat(frames, axis: 1);
    }

    internal static (int N, int T, int M, int A) Dims(Tensor h)
    {
        if (h.Shape.Rank != 4)
            throw new ArgumentException($"Latents H must be [batch, time, dim_m, dim_a], got {h.Shape}.");
        return (h.Shape[0], h.Shape[1], h.Shape[2], h.Shape[3]);
    }
}
