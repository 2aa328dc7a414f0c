using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// What a sequence model inferred from one batch of conditioning frames: their latents H [n, T_cond, m, a] and the
/// dynamics that carry the last of them into the future. Each kind of model (least squares, higher order, Neural M*,
/// neural transition) has its own; training, evaluation and the equivariance test only use this surface.
/// </summary>
public abstract class LatentForecast(Tensor h)
{
    /// <summary>The encoded conditioning frames [n, T_cond, m, a].</summary>
    public Tensor H { get; } = h;

    /// <summary>The transition M [n, a, a] that the equivariance test swaps and sbd analyses; null for a model that has
    /// no such matrix (the neural transition).</summary>
    public abstract Tensor? Transition { get; }

    /// <summary>H_{T_cond+1 … T_cond+rolls} [n, rolls, m, a], rolled on from the last conditioning frame.</summary>
    public abstract Tensor Rollout(int rolls);

    /// <summary>
    /// The same forecast with each sequence's transition replaced by <paramref name="permute"/> of the batch's transitions
    /// (the reference's loss_equiv re-pairs M across the batch); null when there is no transition to swap.
    /// </summary>
    public abstract LatentForecast? WithTransitions(Func<Tensor, Tensor> permute);

    /// <summary>The reference's reported diagnostics (loss_bd, loss_orth, internal losses); null when it reports none.</summary>
    public abstract LatentReport? Diagnose();

    /// <summary>
    /// H_2 … H_{1+rolls} rolled on from the first conditioning frame: how a non-predictive model (the reference's
    /// predictive: False, the reconstruction model) is trained. Only linear dynamics define it.
    /// </summary>
    public virtual Tensor RolloutFromFirstFrame(int rolls) =>
        throw new NotSupportedException($"{GetType().Name} rolls on only from the last conditioning frame (predictive: True).");

    protected static void CheckRolls(int rolls)
    {
        if (rolls < 1)
            throw new ArgumentException($"Rollout needs at least one step, got {rolls}.");
    }
}

/// <summary>A forecast by one matrix per sequence: H_{t+1} = H_t M (least squares, fixed blocks, Neural M*).</summary>
public sealed class LinearForecast(Tensor h, Tensor transition) : LatentForecast(h)
{
    public override Tensor Transition { get; } = transition;

    public override Tensor Rollout(int rolls)
    {
        CheckRolls(rolls);
        return LeastSquaresTransition.Rollout(Layout.Slice(H, 1, H.Shape[1] - 1, 1), Transition, rolls);
    }

    public override Tensor RolloutFromFirstFrame(int rolls)
    {
        CheckRolls(rolls);
        return LeastSquaresTransition.Rollout(Layout.Slice(H, 1, 0, 1), Transition, rolls);
    }

    public override LatentForecast WithTransitions(Func<Tensor, Tensor> permute) => new LinearForecast(H, permute(Transition));

    public override LatentReport Diagnose()
    {
        var (n, t, m, a) = LeastSquaresTransition.Dims(H);
        return LatentDiagnostics.Compute(H.ToArray(), n, t, m, a, Transition.ToArray());
    }
}
