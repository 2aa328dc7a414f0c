using Msp.Core.Autodiff;
using Msp.Core.Data;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Training;

public sealed class TrainerTests : TempFolderTests
{
    private static (TrainConfig Config, ISequenceDataset Train) Tiny()
    {
        var config = ConfigLibrary.Load("tiny");
        return (config, TrainingData.Create(config, dataRoot: null).Train);
    }

    [Test]
    public void Same_seed_gives_the_same_losses_and_weights_run_after_run()
    {
        var (config, train) = Tiny();
        float[] Run(out float[] weights)
        {
            using var trainer = new Trainer(config, TestDevices.Cpu, train);
            var losses = Enumerable.Range(0, 4).Select(_ => trainer.TrainStep().Loss).ToArray();
            weights = trainer.Model.Parameters().SelectMany(p => p.ToArray()).ToArray();
            return losses;
        }
        var first = Run(out var weights1);
        var second = Run(out var weights2);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(weights2, Is.EqualTo(weights1));
    }

    [Test]
    public void A_resumed_run_continues_exactly_like_an_uninterrupted_one()
    {
        var (config, train) = Tiny();
        float[] uninterrupted;
        float[] lossesUninterrupted;
        using (var trainer = new Trainer(config, TestDevices.Cpu, train))
        {
            lossesUninterrupted = Enumerable.Range(0, 6).Select(_ => trainer.TrainStep().Loss).ToArray();
            uninterrupted = trainer.Model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }
        var losses = new List<float>();
        using (var trainer = new Trainer(config, TestDevices.Cpu, train))
        {
            for (int i = 0; i < 3; i++)
                losses.Add(trainer.TrainStep().Loss);
            trainer.SaveCheckpoint(Folder);
        }
        using (var trainer = new Trainer(config, TestDevices.Cpu, train))
        {
            trainer.Resume(Path.Combine(Folder, Checkpoint.FileName));
            Assert.That(trainer.Step, Is.EqualTo(3));
            for (int i = 0; i < 3; i++)
                losses.Add(trainer.TrainStep().Loss);
            Assert.That(losses, Is.EqualTo(lossesUninterrupted), "loss curve");
            Assert.That(trainer.Model.Parameters().SelectMany(p => p.ToArray()).ToArray(), Is.EqualTo(uninterrupted), "final weights");
        }
    }

    [Test]
    public void A_nan_in_the_data_stops_training_naming_the_step_and_the_input_batch()
    {
        var (config, train) = Tiny();
        using var trainer = new Trainer(config, TestDevices.Cpu, new DamagedAtStep(train, step: 2, start: 0, count: int.MaxValue, value: float.NaN));
        trainer.TrainStep();
        trainer.TrainStep();
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep())!;
        Assert.That(e.Message, Does.StartWith("Training diverged at step 3: ")
            .And.Contain("The first NaN/Inf appeared at step 3 in the input batch"));
        Assert.That(trainer.Step, Is.EqualTo(2), "the failed step is not counted");
    }

    [Test]
    public void A_huge_learning_rate_is_traced_to_the_first_op_that_overflows_and_the_checkpoint_is_kept()
    {
        // Adam moves every weight by ≈ lr in the first step, so lr = 1e30 gives weights of 1e30 whose products
        // overflow float32 in the second step's first convolution.
        var (config, train) = Tiny();
        using var trainer = new Trainer(config with { LearningRate = 1e30 }, TestDevices.Cpu, train);
        trainer.TrainStep();
        trainer.SaveCheckpoint(Folder);
        byte[] kept = File.ReadAllBytes(Path.Combine(Folder, Checkpoint.FileName));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep())!;
        Assert.That(e.Message, Does.StartWith("Training diverged at step 2:")
            .And.Contain("The first NaN/Inf appeared at step 2 in the output of Conv2d.Forward")
            .And.Contain("The last good checkpoint (step 1) was kept"));
        Assert.That(() => trainer.SaveCheckpoint(Folder), Throws.Nothing, "the state before the failed step is still finite");
        Assert.That(File.ReadAllBytes(Path.Combine(Folder, Checkpoint.FileName)), Is.EqualTo(kept));
    }

    [Test]
    public void A_non_finite_state_is_never_written_over_the_last_checkpoint()
    {
        var (config, train) = Tiny();
        using var trainer = new Trainer(config, TestDevices.Cpu, train);
        trainer.TrainStep();
        trainer.SaveCheckpoint(Folder);
        byte[] kept = File.ReadAllBytes(Path.Combine(Folder, Checkpoint.FileName));
        trainer.TrainStep();
        var (name, weight) = trainer.Model.NamedParameters().Skip(3).First();
        var values = weight.ToArray();
        values[0] = float.PositiveInfinity;
        weight.CopyFrom(values);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.SaveCheckpoint(Folder))!;
        // The replay from the checkpoint computes the true step 2, which is finite: the damage came from outside.
        Assert.That(e.Message, Does.StartWith($"Training diverged at step 2: '{name}' is not finite at the checkpoint.")
            .And.Contain("the fault did not reproduce").And.Contain("steps 2–2 replayed from the checkpoint"));
        Assert.That(File.ReadAllBytes(Path.Combine(Folder, Checkpoint.FileName)), Is.EqualTo(kept));
    }

    [Test]
    public void Steady_training_steps_reuse_the_device_buffers()
    {
        var (config, train) = Tiny();
        using var trainer = new Trainer(config, TestDevices.Cpu, train);
        trainer.TrainStep();
        trainer.TrainStep();
        long before = TestDevices.Cpu.FreshAllocations;
        trainer.TrainStep();
        trainer.TrainStep();
        Assert.That(TestDevices.Cpu.FreshAllocations, Is.EqualTo(before), "buffers allocated by steps 3 and 4");
    }

    [Test]
    public void Training_lowers_the_loss_on_a_small_network()
    {
        var config = ConfigLibrary.Load("tiny") with { LearningRate = 3e-3, LearningRateDecayStep = 1000 };
        var train = TrainingData.Create(config, dataRoot: null).Train;
        using var trainer = new Trainer(config with { BatchSize = 8 }, TestDevices.Cpu, train);
        var losses = Enumerable.Range(0, 60).Select(_ => trainer.TrainStep().Loss).ToArray();
        // The loss starts near the error of a grey frame (sigmoid(≈0) = 0.5 everywhere: ≈ 3·1024·0.25 ≈ 700) and
        // falls quickly once the decoder learns the dark background; 60 steps must at least halve it.
        Assert.That(losses.TakeLast(10).Average(), Is.LessThan(0.5 * losses.Take(3).Average()));
    }

    private static IEnumerable<ModelKind> Variants() => [ModelKind.FixedBlocks, ModelKind.HigherOrder, ModelKind.NeuralM, ModelKind.NeuralTransition];

    [TestCaseSource(nameof(Variants))]
    public void Each_variant_trains_on_its_tiny_config_and_its_run_folder_reopens_with_the_same_predictions(ModelKind kind)
    {
        var config = ConfigReader.Parse(TinyRun.ConfigText(kind), $"tiny {kind}") with { LearningRate = 3e-3 };
        var (train, test) = TrainingData.Create(config, dataRoot: null);
        float[] predicted;
        using (var trainer = new Trainer(config with { BatchSize = 8 }, TestDevices.Cpu, train))
        {
            var losses = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep().Loss).ToArray();
            Assert.That(losses, Is.All.Matches<float>(float.IsFinite));
            // From ≈ 700 (a grey frame) the decoder learns the dark background within a few dozen steps, whatever the dynamics.
            Assert.That(losses.TakeLast(5).Average(), Is.LessThan(0.7 * losses.Take(3).Average()), string.Join(", ", losses));
            var report = trainer.Diagnose();
            Assert.That(report is null, Is.EqualTo(kind == ModelKind.NeuralTransition), "diagnostics exist exactly when there is an M");
            if (report is not null)
                Assert.That(new[] { report.LossBlockDiagonal, report.LossOrthogonal, report.LossInternal0, report.LossInternalT }, Is.All.Matches<double>(double.IsFinite));
            RunDirectory.Prepare(Folder, TinyRun.ConfigText(kind), resume: false);
            trainer.SaveCheckpoint(Folder);
            predicted = Predict(trainer.Model, test, config);
        }
        using var run = TrainedRun.Open(Folder, TestDevices.Cpu);
        Assert.That(run.Config.Model.Kind, Is.EqualTo(kind));
        Assert.That(Predict(run.Model, test, config), Is.EqualTo(predicted), "the reopened model predicts as the trained one");
    }

    [Test]
    public void The_reconstruction_model_re_predicts_its_frames_from_the_first_one()
    {
        // lstsq_rec: T_cond = T = 3, predictive: False; the loss compares frames 2 and 3 with H_1·M*, H_1·M*².
        string text = ConfigLibrary.ReadText("tiny").Text.Replace("T_cond: 2\nT_pred: 1\n", "T_cond: 3\nT_pred: 0\n", StringComparison.Ordinal)
            .Replace("    k: 0.125\n", "    k: 0.125\n    predictive: False\n", StringComparison.Ordinal);
        var config = ConfigReader.Parse(text, "tiny rec");
        Assert.That((config.ConditioningFrames, config.Model.Predictive, config.Eval.ConditioningFrames), Is.EqualTo((3, false, 2)));
        using var trainer = new Trainer(config, TestDevices.Cpu, TrainingData.Create(config, dataRoot: null).Train);
        using var scope = new TensorScope();
        var xs = RandomData.Tensor(TestDevices.Cpu, 2, 2, 3, 3, 32, 32);
        var result = trainer.Model.Loss(xs, 3);
        Assert.That(result.Prediction.Shape, Is.EqualTo(new Shape(2, 2, 3, 32, 32)));
        var forecast = trainer.Model.Infer(xs);
        var expected = trainer.Model.Decode(LeastSquaresTransition.Rollout(Layout.Slice(forecast.H, 1, 0, 1), forecast.Transition!, 2));
        Assert.That(result.Prediction.ToArray(), Is.EqualTo(expected.ToArray()));
        Assert.That(float.IsFinite(trainer.TrainStep().Loss), Is.True);
    }

    private static float[] Predict(SeqAe model, ISequenceDataset test, TrainConfig config)
    {
        var batch = new float[4 * test.Frames * 3 * 32 * 32];
        test.FillBatch([0, 1, 2, 3], 5, 0, batch);
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        var xs = Tensor.FromArray(batch, new Shape(4, test.Frames, 3, 32, 32), TestDevices.Cpu);
        return model.Predict(Layout.Slice(xs, 1, 0, config.Eval.ConditioningFrames), 2).Frames.ToArray();
    }

    /// <summary>The tiny data with <paramref name="count"/> values of one step's batch, from <paramref name="start"/>,
    /// set to <paramref name="value"/> (a corrupt input).</summary>
    private sealed class DamagedAtStep(ISequenceDataset inner, long step, int start, int count, float value) : ISequenceDataset
    {
        public int Count => inner.Count;

        public int Frames => inner.Frames;

        public int Channels => inner.Channels;

        public int Height => inner.Height;

        public int Width => inner.Width;

        public void FillBatch(ReadOnlySpan<int> items, ulong seed, long batchStep, Span<float> batch)
        {
            inner.FillBatch(items, seed, batchStep, batch);
            if (batchStep == step)
                batch.Slice(start, Math.Min(count, batch.Length - start)).Fill(value);
        }
    }
}
