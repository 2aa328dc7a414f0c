using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Models;

/// <summary>
/// Latents that rotate with constant angular acceleration: H_t = B·R(θ_t), R block-diagonal 2×2 rotations with
/// θ_t = ½αt² + vt + φ per block. Then H_{t+1} = H_t R(v + α(t + ½)) exactly, the per-step transitions are
/// R(v + α(t + ½)) and the second-order M* = R(α): the rollout must continue the sequence exactly.
/// </summary>
public sealed class HigherOrderTransitionTests
{
    private const int Batch = 2, DimM = 5, Conditioning = 5, Future = 4;
    private static readonly double[][] Acceleration = [[0.11, -0.07], [0.05, 0.2]];
    private static readonly double[][] Velocity = [[0.3, 0.9], [-0.4, 0.15]];

    [Test]
    public void The_second_order_rollout_continues_a_constant_acceleration_exactly()
    {
        using var scope = new TensorScope();
        var sequence = Accelerating(Conditioning + Future);
        var h = Tensor.FromArray(sequence, new Shape(Batch, Conditioning + Future, DimM, 4), TestDevices.Cpu);
        var forecast = new HigherOrderDynamics().Infer(h, Layout.Slice(h, 1, 0, Conditioning));
        var expected = Layout.Slice(h, 1, Conditioning, Future).ToArray();
        // float32 latents of size ~1 through two solves and 4 chained products: errors of a few 1e-6.
        TensorAssert.AreClose(expected, forecast.Rollout(Future).ToArray(), atol: 1e-4, rtol: 1e-4, "second-order rollout");
        var mStar = forecast.Transition!.ToArray();
        for (int b = 0; b < Batch; b++)
        {
            var rotation = Rotation(Acceleration[b][0], Acceleration[b][1]);
            TensorAssert.AreClose(rotation, mStar.AsSpan(b * 16, 16), atol: 1e-4, rtol: 0, $"M* of sequence {b} is R(α)");
        }
    }

    [Test]
    public void A_first_order_fit_does_not_continue_the_same_sequence()
    {
        // The test above could not tell the orders apart if the data had no acceleration; this shows it has.
        using var scope = new TensorScope();
        var h = Tensor.FromArray(Accelerating(Conditioning + Future), new Shape(Batch, Conditioning + Future, DimM, 4), TestDevices.Cpu);
        var linear = new LeastSquaresDynamics().Infer(h, Layout.Slice(h, 1, 0, Conditioning));
        double error = TensorAssert.RelativeToMax(Layout.Slice(h, 1, Conditioning, Future).ToArray(), linear.Rollout(Future).ToArray());
        Assert.That(error, Is.GreaterThan(0.05));
    }

    [Test]
    public void Swapping_re_pairs_both_M_star_and_the_per_step_transitions()
    {
        using var scope = new TensorScope();
        var h = Tensor.FromArray(Accelerating(Conditioning), new Shape(Batch, Conditioning, DimM, 4), TestDevices.Cpu);
        var forecast = (HigherOrderForecast)new HigherOrderDynamics().Infer(h, h);
        static Tensor Reverse(Tensor x) => Layout.Concat([Layout.Slice(x, 0, 1, 1), Layout.Slice(x, 0, 0, 1)], axis: 0);
        var swapped = (HigherOrderForecast)forecast.WithTransitions(Reverse);
        Assert.That(swapped.Transition.ToArray(), Is.EqualTo(Reverse(forecast.Transition).ToArray()));
        Assert.That(swapped.StepTransitions.ToArray(), Is.EqualTo(Reverse(forecast.StepTransitions).ToArray()));
    }

    [Test]
    public void Too_few_frames_are_refused()
    {
        using var scope = new TensorScope();
        var h = RandomData.Tensor(TestDevices.Cpu, 1, Batch, HigherOrderDynamics.MinimumFrames - 1, DimM, 4);
        Assert.That(() => HigherOrderDynamics.Fit(h), Throws.ArgumentException.With.Message.Contains("at least 4 frames"));
    }

    /// <summary>[Batch, frames, DimM, 4]: B_b · R(θ_t) with a fixed random B_b per sequence.</summary>
    private static float[] Accelerating(int frames)
    {
        var data = new float[Batch * frames * DimM * 4];
        for (int b = 0; b < Batch; b++)
        {
            var basis = RandomData.Uniform(DimM * 4, seed: 20 + b);
            for (int t = 0; t < frames; t++)
            {
                var rotation = Rotation(Angle(b, 0, t), Angle(b, 1, t));
                for (int i = 0; i < DimM; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        double sum = 0;
                        for (int k = 0; k < 4; k++)
                            sum += basis[i * 4 + k] * rotation[k * 4 + j];
                        data[((b * frames + t) * DimM + i) * 4 + j] = (float)sum;
                    }
            }
        }
        return data;
    }

    private static double Angle(int b, int block, int t) => 0.5 * Acceleration[b][block] * t * t + Velocity[b][block] * t + 0.3 * block;

    /// <summary>Row-major 4×4 block-diagonal rotation by angles (first, second).</summary>
    private static float[] Rotation(double first, double second)
    {
        var r = new float[16];
        void Block(int offset, double angle)
        {
            r[offset * 4 + offset] = (float)Math.Cos(angle);
            r[offset * 4 + offset + 1] = (float)Math.Sin(angle);
            r[(offset + 1) * 4 + offset] = (float)-Math.Sin(angle);
            r[(offset + 1) * 4 + offset + 1] = (float)Math.Cos(angle);
        }
        Block(0, first);
        Block(2, second);
        return r;
    }
}
