using Msp.Core.Data;
using Msp.Core.Evaluation;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Evaluation;

public sealed class EquivarianceEvaluationTests
{
    private const int Sequences = 4, Frames = 5, ConditioningFrames = 2, DimM = 4, DimA = 3;

    /// <summary>
    /// The toy is a model whose encoder and decoder are the identity on latents: sequences are latents H_t = H_0 M^t
    /// themselves. A trained SeqAe cannot be made exactly equivariant in a unit test, but this toy runs the same path
    /// after the encoder (M* by least squares, the rollout, <see cref="SequenceErrors.SwapAcrossBatch"/>, per-frame
    /// errors, the summary), where the swap logic lives. With one shared rotation M, M* is exact (DimM ≥ DimA rows of
    /// full rank) and any sequence's M* predicts any other, so both errors are ~0; with one rotation per sequence the
    /// own M* is still exact but the swapped one is not.
    /// </summary>
    [TestCase(true)]
    [TestCase(false)]
    public void Swapped_M_star_predicts_as_well_as_the_own_one_only_when_the_transition_is_shared(bool shared)
    {
        var angles = Enumerable.Range(0, Sequences).Select(i => shared ? 0.7 : 0.3 + 0.5 * i).ToArray();
        var latents = Latents(angles);
        var device = TestDevices.Cpu;
        EquivarianceReport report;
        using (new TensorScope())
        {
            var h = Tensor.FromArray(latents, new Shape(Sequences, Frames, DimM, DimA), device);
            var mStar = LeastSquaresTransition.Fit(Layout.Slice(h, 1, 0, ConditioningFrames));
            var last = Layout.Slice(h, 1, ConditioningFrames - 1, 1);
            var target = Layout.Slice(h, 1, ConditioningFrames, Frames - ConditioningFrames);
            var plain = SequenceErrors.PerFrame(LeastSquaresTransition.Rollout(last, mStar, Frames - ConditioningFrames), target);
            var swapped = SequenceErrors.PerFrame(LeastSquaresTransition.Rollout(last, SequenceErrors.SwapAcrossBatch(mStar), Frames - ConditioningFrames), target);
            report = EquivarianceEvaluation.Summarize(ConditioningFrames, [(plain, swapped)]);
        }
        // Latents are O(1) and M* comes from a float32 solve: squared errors of a few 1e-6 are rounding; the
        // non-shared rotations differ by 0.5 rad, which moves a unit vector by ~0.25 in squared distance per row.
        Assert.That(report.PlainMean, Has.All.LessThan(1e-4));
        if (shared)
            Assert.That(report.SwappedMean, Has.All.LessThan(1e-4));
        else
            Assert.That(report.SwappedMean, Has.All.GreaterThan(0.1));
    }

    [Test]
    public void Shared_transition_batches_pair_each_sequence_with_one_that_moves_the_same_way()
    {
        var config = new SequentialMnistConfig { FrameCount = 4, OnlyUseDigit4 = true, SharedTransition = true };
        var shared = SequentialMnist.FromEmbedded(config, DatasetSplit.Test);
        int[] items = [0, 1, 2, 3, 4];
        var parameters = shared.DrawBatch(items, seed: 7, step: 3);
        for (int i = 0; i < items.Length; i++)
        {
            var own = parameters[i].Transition;
            var partner = parameters[SequenceErrors.SwapPartner(i, items.Length)].Transition;
            Assert.That((partner.AngleVelocity, partner.ColorVelocity, partner.PositionVelocity), Is.EqualTo((own.AngleVelocity, own.ColorVelocity, own.PositionVelocity)), $"sequence {i}");
        }
        // The sequences still differ (their start angle, hue, position and digit): the swap is not trivial.
        Assert.That(parameters.Select(p => p.Angle0).Distinct().Count(), Is.EqualTo(items.Length));
        Assert.That(() => EquivarianceEvaluation.CheckSharedTransition(shared, items, 7, 3), Throws.Nothing);

        var independent = SequentialMnist.FromEmbedded(config with { SharedTransition = false }, DatasetSplit.Test);
        Assert.That(() => EquivarianceEvaluation.CheckSharedTransition(independent, items, 7, 3),
            Throws.ArgumentException.With.Message.Contains("move differently").And.Message.Contains("SharedTransition"));
    }

    [Test]
    public void The_swap_gives_each_sequence_the_M_star_of_its_partner()
    {
        const int count = 5;
        var values = Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((float)i, DimA * DimA)).ToArray();
        using var scope = new TensorScope();
        var swapped = SequenceErrors.SwapAcrossBatch(Tensor.FromArray(values, new Shape(count, DimA, DimA), TestDevices.Cpu)).ToArray();
        var owners = Enumerable.Range(0, count).Select(i => swapped[i * DimA * DimA]).ToArray();
        Assert.That(owners, Is.EqualTo(Enumerable.Range(0, count).Select(i => (float)SequenceErrors.SwapPartner(i, count))));
        Assert.That(owners, Is.EqualTo(new float[] { 4, 0, 1, 2, 3 }), "loss_equiv's M[arange(-1, n-1)]");
    }

    [Test]
    public void Summary_is_the_mean_and_spread_over_batches_of_the_mean_over_sequences()
    {
        // Two batches of two sequences, horizon 2: batch means (own) [2, 3] and [4, 7], (swapped) [1, 1] and [1, 1].
        var report = EquivarianceEvaluation.Summarize(3,
        [
            (new double[,] { { 1, 2 }, { 3, 4 } }, new double[,] { { 1, 1 }, { 1, 1 } }),
            (new double[,] { { 4, 6 }, { 4, 8 } }, new double[,] { { 0, 2 }, { 2, 0 } }),
        ]);
        Assert.Multiple(() =>
        {
            Assert.That((report.ConditioningFrames, report.Batches, report.BatchSize, report.Horizon), Is.EqualTo((3, 2, 2, 2)));
            Assert.That(report.PlainMean, Is.EqualTo(new[] { 3.0, 5.0 }));
            Assert.That(report.PlainStd, Is.EqualTo(new[] { 1.0, 2.0 }), "population std, as np.std");
            Assert.That(report.SwappedMean, Is.EqualTo(new[] { 1.0, 1.0 }));
            Assert.That(report.SwappedStd, Is.EqualTo(new[] { 0.0, 0.0 }));
            Assert.That(report.ToCsv(), Does.StartWith("horizon,own_mean,own_std,swapped_mean,swapped_std\n1,3.0000,1.0000,1.0000,0.0000"));
        });
    }

    /// <summary>H [Sequences, Frames, DimM, DimA] with H_{t+1} = H_t M_i, M_i the rotation by angles[i] in the first two of DimA axes.</summary>
    private static float[] Latents(double[] angles)
    {
        var start = RandomData.Uniform(Sequences * DimM * DimA, seed: 11);
        var latents = new float[Sequences * Frames * DimM * DimA];
        for (int s = 0; s < Sequences; s++)
        {
            double c = Math.Cos(angles[s]), sin = Math.Sin(angles[s]);
            double[,] m = { { c, -sin, 0 }, { sin, c, 0 }, { 0, 0, 1 } };
            var current = Enumerable.Range(0, DimM * DimA).Select(i => (double)start[s * DimM * DimA + i]).ToArray();
            for (int t = 0; t < Frames; t++)
            {
                for (int i = 0; i < current.Length; i++)
                    latents[(s * Frames + t) * DimM * DimA + i] = (float)current[i];
                var next = new double[current.Length];
                for (int row = 0; row < DimM; row++)
                    for (int col = 0; col < DimA; col++)
                        for (int k = 0; k < DimA; k++)
                            next[row * DimA + col] += current[row * DimA + k] * m[k, col];
                current = next;
            }
        }
        return latents;
    }
}
