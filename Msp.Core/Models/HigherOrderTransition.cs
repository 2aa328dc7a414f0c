using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// Second-order MSP (reference HigherOrderLinearTensorDynamicsLSTSQ with n_order 2, SeqAEHOLSTSQ): a per-step
/// transition M_t with H_t M_t ≈ H_{t+1} is fitted for every pair of frames, and one second-order M* with
/// M_t M* ≈ M_{t+1} is fitted across them, so a constant acceleration of the latent motion is a constant M*.
/// The rollout carries (H, M_t) forward: M_{t+1} = M_t M*, H_{t+1} = H_t M_{t+1}.
/// </summary>
public sealed class HigherOrderDynamics : ILatentDynamics
{
    /// <summary>The fewest conditioning frames the fit needs: the first per-step transition is dropped (as the
    /// reference does) and M* needs at least one pair of the rest.</summary>
    public const int MinimumFrames = 4;

    public bool HasTransitionMatrix => true;

    public LatentForecast Infer(Tensor xsCond, Tensor h)
    {
        var (stepTransitions, mStar) = Fit(h);
        return new HigherOrderForecast(h, stepTransitions, mStar);
    }

    /// <summary>
    /// H [n, t, m, a] (t ≥ 4) → the per-step transitions M_1 … M_{t−2} [n, t−2, a, a] (M_0 dropped, as the reference's
    /// <c>_solve(...)[:, 1:]</c>) and M* [n, a, a] fitted on them by least squares over all pairs.
    /// </summary>
    public static (Tensor StepTransitions, Tensor MStar) Fit(Tensor h)
    {
        var (n, t, m, a) = LeastSquaresTransition.Dims(h);
        if (t < MinimumFrames)
            throw new ArgumentException($"The second-order transition needs at least {MinimumFrames} frames of latents, got H of shape {h.Shape}.");
        var h0 = Shapes.Reshape(Layout.Slice(h, 1, 0, t - 1), n * (t - 1), m, a);
        var h1 = Shapes.Reshape(Layout.Slice(h, 1, 1, t - 1), n * (t - 1), m, a);
        var perStep = Shapes.Reshape(LeastSquares.Solve(h0, h1), n, t - 1, a, a);
        var steps = Layout.Slice(perStep, 1, 1, t - 2);
        var m0 = Shapes.Reshape(Layout.Slice(steps, 1, 0, t - 3), n, (t - 3) * a, a);
        var m1 = Shapes.Reshape(Layout.Slice(steps, 1, 1, t - 3), n, (t - 3) * a, a);
        return (steps, LeastSquares.Solve(m0, m1));
    }
}

/// <summary>The forecast of <see cref="HigherOrderDynamics"/>: the latents, the per-step transitions and M*.</summary>
public sealed class HigherOrderForecast(Tensor h, Tensor stepTransitions, Tensor mStar) : LatentForecast(h)
{
    /// <summary>M_1 … M_{T_cond−2} [n, T_cond − 2, a, a].</summary>
    public Tensor StepTransitions { get; } = stepTransitions;

    /// <summary>The second-order M* [n, a, a].</summary>
    public override Tensor Transition { get; } = mStar;

    public override Tensor Rollout(int rolls)
    {
        CheckRolls(rolls);
        var (n, t, m, a) = LeastSquaresTransition.Dims(H);
        var latent = Layout.Slice(H, 1, t - 1, 1);
        var step = Shapes.Reshape(Layout.Slice(StepTransitions, 1, StepTransitions.Shape[1] - 1, 1), n, a, a);
        var frames = new List<Tensor>(rolls);
        for (int k = 0; k < rolls; k++)
        {
            step = MatMul.Batched(step, Transition);
            latent = LeastSquaresTransition.Apply(latent, step);
            frames.Add(latent);
        }
        return frames.Count == 1 ? frames[0] : Layout.Concat(frames, axis: 1);
    }

    /// <summary>Both M* and the per-step transitions are re-paired, as the reference's loss_equiv does.</summary>
    public override LatentForecast WithTransitions(Func<Tensor, Tensor> permute) =>
        new HigherOrderForecast(H, permute(StepTransitions), permute(Transition));

    /// <summary>
    /// loss_bd and loss_orth of M*, and the reference's internal losses of the second order: Σ‖H_t − H_{t+2}‖² and
    /// Σ‖H_t (M_{t+1} M*) − H_{t+2}‖² over t = 0 … T_cond − 3 (its dyn_fn([H0] + Ms[:-1])[0] against H[:, 2:]).
    /// </summary>
    public override LatentReport Diagnose()
    {
        var (n, t, m, a) = LeastSquaresTransition.Dims(H);
        float[] h = H.ToArray(), steps = StepTransitions.ToArray(), mStar = Transition.ToArray();
        double internal0 = 0, internalT = 0;
        for (int b = 0; b < n; b++)
        {
            var second = Matrix<double>.Build.Dense(a, a, (i, j) => mStar[(b * a + i) * a + j]);
            for (int s = 0; s + 2 < t; s++)
            {
                var current = Latent(h, b, s, t, m, a);
                var target = Latent(h, b, s + 2, t, m, a);
                var step = Matrix<double>.Build.Dense(a, a, (i, j) => steps[((b * (t - 2) + s) * a + i) * a + j]);
                internal0 += (current - target).Enumerate().Sum(v => v * v);
                internalT += (current * (step * second) - target).Enumerate().Sum(v => v * v);
            }
        }
        return new LatentReport(LatentDiagnostics.BlockDiagonalLoss(mStar, n, a), LatentDiagnostics.OrthogonalityLoss(mStar, n, a), internal0, internalT);
    }

    private static Matrix<double> Latent(float[] h, int b, int s, int t, int m, int a) =>
        Matrix<double>.Build.Dense(m, a, (i, j) => h[((b * t + s) * m + i) * a + j]);
}
