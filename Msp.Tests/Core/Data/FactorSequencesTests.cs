using Msp.Core.Data;

namespace Msp.Tests.Core.Data;

public sealed class FactorSequencesTests
{
    /// <summary>Images that spell out their factor values: pixel f is value f, so a frame tells which image it is.</summary>
    private sealed class ValueImages(FactorGrid grid) : IFactorImages
    {
        public FactorGrid Grid { get; } = grid;

        public int Channels => 1;

        public int Size => 3;

        public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
        {
            image.Clear();
            for (int f = 0; f < factorValues.Length; f++)
                image[f] = factorValues[f];
        }
    }

    private static FactorSequences ThreeDimShapesLike(DatasetSplit split, int frames, int[] active, bool shared = false) =>
        ThreeDimShapes.Sequences(new ValueImages(ThreeDimShapes.Grid), split, frames, active.ToHashSet(), shared);

    [TestCase(3)]
    [TestCase(8)]
    public void Walking_factors_move_by_a_constant_integer_velocity_within_the_grid(int frames)
    {
        var data = ThreeDimShapesLike(DatasetSplit.Train, frames, ThreeDimShapes.DefaultActiveFactors);
        var grid = ThreeDimShapes.Grid;
        var moving = new int[grid.FactorCount];
        foreach (var sequence in data.DrawBatch(400, seed: 3, step: 0))
            for (int f = 0; f < grid.FactorCount; f++)
            {
                int velocity = sequence[1, f] - sequence[0, f];
                Assert.That(Math.Abs(velocity), Is.LessThanOrEqualTo(grid.Values[f] / frames), grid.Names[f]);
                for (int t = 0; t < frames; t++)
                {
                    Assert.That(sequence[t, f], Is.EqualTo(sequence[0, f] + t * velocity));
                    Assert.That(sequence[t, f], Is.InRange(0, grid.Values[f] - 1));
                }
                moving[f] += velocity != 0 ? 1 : 0;
            }
        // gen_v: |v| uniform in {0, …, n div T}, so with 400 draws every active factor moves in some sequences.
        Assert.That(moving[ThreeDimShapes.ShapeFactor], Is.Zero);
        Assert.That(ThreeDimShapes.DefaultActiveFactors.Select(f => moving[f]), Has.All.Positive);
    }

    [Test]
    public void The_shape_is_the_cube_for_training_and_another_shape_for_testing()
    {
        var train = ThreeDimShapesLike(DatasetSplit.Train, 3, ThreeDimShapes.DefaultActiveFactors).DrawBatch(100, 1, 0);
        var test = ThreeDimShapesLike(DatasetSplit.Test, 3, ThreeDimShapes.DefaultActiveFactors).DrawBatch(100, 1, 0);
        Assert.That(train.Select(s => s[0, ThreeDimShapes.ShapeFactor]).Distinct(), Is.EqualTo(new[] { 0 }));
        Assert.That(test.Select(s => s[0, ThreeDimShapes.ShapeFactor]).Distinct().Order(), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public void Only_the_active_factors_move()
    {
        foreach (var sequence in ThreeDimShapesLike(DatasetSplit.Train, 4, [1]).DrawBatch(100, 2, 5))
            for (int f = 0; f < 6; f++)
                if (f != 1)
                    Assert.That(sequence[3, f], Is.EqualTo(sequence[0, f]));
    }

    [Test]
    public void A_shared_transition_gives_every_sequence_of_a_batch_the_same_velocities()
    {
        var batch = ThreeDimShapesLike(DatasetSplit.Test, 3, ThreeDimShapes.DefaultActiveFactors, shared: true).DrawBatch(32, 4, 7);
        var velocities = batch.Select(s => string.Join(",", Enumerable.Range(0, 6).Select(f => s[1, f] - s[0, f]))).Distinct().ToArray();
        Assert.That(velocities, Has.Length.EqualTo(1));
        var starts = batch.Select(s => string.Join(",", Enumerable.Range(0, 6).Select(f => s[0, f]))).Distinct();
        Assert.That(starts.Count(), Is.GreaterThan(1));
    }

    [Test]
    public void The_equivariance_check_accepts_shared_batches_and_rejects_independent_ones()
    {
        int[] items = [0, 1, 2, 3];
        var shared = ThreeDimShapesLike(DatasetSplit.Train, 3, ThreeDimShapes.DefaultActiveFactors, shared: true);
        Assert.That(() => Msp.Core.Evaluation.EquivarianceEvaluation.CheckSharedTransition(shared, items, 1, 0), Throws.Nothing);
        var independent = ThreeDimShapesLike(DatasetSplit.Train, 3, ThreeDimShapes.DefaultActiveFactors);
        Assert.That(() => Msp.Core.Evaluation.EquivarianceEvaluation.CheckSharedTransition(independent, items, 1, 0),
            Throws.ArgumentException.With.Message.Contains("move differently"));
    }

    [Test]
    public void Held_smallnorb_factors_stay_put_and_elevation_and_azimuth_walk()
    {
        var data = SmallNorb.Sequences(new ValueImages(SmallNorb.Grid), DatasetSplit.Train, 6, SmallNorb.DefaultActiveFactors.ToHashSet());
        var batch = data.DrawBatch(300, 9, 0);
        foreach (var sequence in batch)
            for (int f = 0; f < 3; f++)
                Assert.That(sequence[5, f], Is.EqualTo(sequence[0, f]));
        Assert.That(batch.Select(s => s[0, 0]).Distinct().Count(), Is.EqualTo(5), "categories drawn");
        Assert.That(batch.Count(s => s[1, 4] != s[0, 4]), Is.Positive, "azimuth moves");
        Assert.That(batch.Count(s => s[1, 3] != s[0, 3]), Is.Positive, "elevation moves");
    }

    [Test]
    public void A_batch_renders_each_frame_at_its_factor_values_and_is_reproducible()
    {
        var data = ThreeDimShapesLike(DatasetSplit.Train, 3, ThreeDimShapes.DefaultActiveFactors);
        var batch = new float[5 * 3 * 9];
        data.FillBatch([0, 1, 2, 3, 4], seed: 11, step: 2, batch);
        var again = new float[batch.Length];
        data.FillBatch([4, 3, 2, 1, 0], seed: 11, step: 2, again);
        var values = data.DrawBatch(5, 11, 2);
        Assert.That(again, Is.EqualTo(batch));
        for (int b = 0; b < 5; b++)
            for (int t = 0; t < 3; t++)
                for (int f = 0; f < 6; f++)
                    Assert.That(batch[(b * 3 + t) * 9 + f], Is.EqualTo(values[b][t, f]));
    }

    [Test]
    public void A_factor_that_cannot_move_is_rejected()
    {
        Assert.That(() => ThreeDimShapesLike(DatasetSplit.Train, 3, [4]), Throws.ArgumentException.With.Message.Contains("cannot move"));
    }
}
