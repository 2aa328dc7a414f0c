using Msp.Core.Data;
using Msp.Core.Training;

namespace Msp.Tests.Core.Training;

public sealed class TrainingDataTests
{
    private static float[] Batch(ISequenceDataset data, int count, ulong seed)
    {
        var batch = new float[count * data.Frames * data.Channels * data.Height * data.Width];
        data.FillBatch(Enumerable.Range(0, count).ToArray(), seed, 0, batch);
        return batch;
    }

    [Test]
    public void The_smallnorb_config_gives_grey_frames_of_its_image_size_and_separate_splits()
    {
        var config = ConfigLibrary.Load("smallnorb-small");
        var (train, test) = TrainingData.Create(config, dataRoot: null);
        Assert.Multiple(() =>
        {
            Assert.That((train.Frames, train.Channels, train.Height, train.Width), Is.EqualTo((3, 1, 32, 32)));
            Assert.That(test.Frames, Is.EqualTo(6), "eval.T");
            Assert.That(train.Count, Is.EqualTo(SmallNorb.TrainSequences));
        });
        var frames = Batch(train, 2, 5);
        Assert.That(frames, Has.All.InRange(0f, 1f));
        Assert.That(TrainingData.MovingFactors(config.TrainData).Select(f => f.Name), Is.EqualTo(new[] { "elevation", "azimuth" }));
    }

    [Test]
    public void The_mnist_bg_config_composites_the_digits_over_backgrounds()
    {
        var background = TrainingData.Create(ConfigLibrary.Load("mnist-bg-small"), dataRoot: null).Train;
        var plain = TrainingData.Create(ConfigLibrary.Load("mnist-small"), dataRoot: null).Train;
        var withBackground = Batch(background, 2, 3);
        var without = Batch(plain, 2, 3);
        // Same digits and draws; the background only fills pixels that are dark without it.
        for (int i = 0; i < without.Length; i += 3)
            if (without[i] > 0.5f)
                Assert.That(withBackground[i], Is.EqualTo(without[i]));
        Assert.That(withBackground.Count(v => v > 0), Is.GreaterThan(2 * without.Count(v => v > 0)));
    }

    [Test]
    public void The_3dshapes_evaluation_set_is_fresh_cube_sequences_as_the_reference_notebooks()
    {
        var (train, test) = TrainingData.Create(ConfigLibrary.Load("3dshapes-small"), dataRoot: null);
        var evaluation = (FactorSequences)test;
        Assert.Multiple(() =>
        {
            Assert.That(evaluation.Roles[ThreeDimShapes.ShapeFactor].HeldValues, Is.EqualTo(new[] { 0 }));
            Assert.That((evaluation.Count, evaluation.Frames, train.Count), Is.EqualTo((ThreeDimShapes.TestSequences, 8, ThreeDimShapes.TrainSequences)));
        });
    }

    [Test]
    public void A_missing_3dshapes_file_is_named_with_what_to_do()
    {
        var config = ConfigLibrary.Load("3dshapes-small");
        var error = Assert.Throws<ConfigException>(() => TrainingData.Create(config, Path.Combine(Path.GetTempPath(), "no-such-3dshapes")))!;
        Assert.That(error.Message, Does.Contain("3dshapes.h5").And.Contain("root: embedded"));
    }
}
