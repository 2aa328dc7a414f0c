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

    /// <summary>
    /// The fixed-block M* (reference MultiLinearTensorDynamicsLSTSQ): the dim_a axis cut into <paramref name="blockCount"/>
    /// equal blocks, M*_k fitted by least squares on block k's columns of H alone, assembled block-diagonally
    /// (zeros elsewhere). H [n, t, m, a] → [n, a, a]; a must divide by the block count.
    /// </summary>
    public static Tensor FitBlocks(Tensor h, int blockCount)
    {
        var (n, _, _, a) = Dims(h);
        if (blockCount < 1 || a % blockCount != 0)
            throw new ArgumentException($"dim_a = {a} does not split into {blockCount} equal blocks.");
        if (blockCount == 1)
            return Fit(h);
        int width = a / blockCount;
        var rows = new List<Tensor>(blockCount);
        for (int k = 0; k < blockCount; k++)
        {
            var block = Fit(Layout.Slice(h, 3, k * width, width));
            var parts = new List<Tensor>(3);
            if (k > 0)
                parts.Add(Tensor.Zeros(new Shape(n, width, k * width), h.Device));
            parts.Add(block);
            if (k < blockCount - 1)
                parts.Add(Tensor.Zeros(new Shape(n, width, (blockCount - 1 - k) * width), h.Device));
            rows.Add(Layout.Concat(parts, axis: 2));
        }
        return Layout.Concat(rows, axis: 1);
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

    public static (int N, int T, int M, int A) Dims(Tensor h)
    {
        if (h.Shape.Rank != 4)
            throw new ArgumentException($"Latents H must be [batch, time, dim_m, dim_a], got {h.Shape}.");
        return (h.Shape[0], h.Shape[1], h.Shape[2], h.Shape[3]);
    }
}

/// <summary>
/// MSP's dynamics: M* fitted by least squares on the conditioning latents, in one piece (SeqAELSTSQ, one block) or
/// per fixed block of the dim_a axis (SeqAEMultiLSTSQ, K blocks).
/// </summary>
public sealed class LeastSquaresDynamics(int blockCount = 1) : ILatentDynamics
{
    public int BlockCount { get; } = blockCount;

    public bool HasTransitionMatrix => true;

    public LatentForecast Infer(Tensor xsCond, Tensor h) => new LinearForecast(h, LeastSquaresTransition.FitBlocks(h, BlockCount));
}
