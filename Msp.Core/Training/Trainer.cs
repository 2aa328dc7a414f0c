using System.Diagnostics;
using System.Globalization;
using Msp.Core.Autodiff;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Optim;
using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>What one training step reports.</summary>
public sealed record StepResult(long Step, float Loss, double LearningRate, bool Reconstruction);

/// <summary>
/// The training loop of the reference (training_loops.loop_seqmodel) as an object the CLI drives step by step:
/// draw the step's batch, loss, backward, Adam with the scheduled learning rate. Owns the model, the optimizer and
/// the batch buffer; every step runs in its own tensor scope, so steady steps reuse the same device buffers.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly BatchSampler _sampler;
    private readonly float[] _batch;
    private readonly Tensor _batchTensor;

    public Trainer(TrainConfig config, IDevice device, ISequenceDataset trainData)
    {
        Config = config;
        Device = device;
        if (trainData.Frames <= config.ConditioningFrames && config.ReconstructionSteps < config.MaxIteration && config.Model.Predictive)
            throw new ArgumentException($"{config.Source}: sequences of T = {trainData.Frames} frames leave nothing to predict after T_cond = {config.ConditioningFrames}.");
        Model = config.Model.Build(device, config.Seed);
        Optimizer = new Adam(Model.NamedParameters().ToList());
        _sampler = new BatchSampler(trainData, config.BatchSize, (ulong)config.Seed);
        _batch = new float[_sampler.BatchFloats];
        using (TensorScope.Enter(null))
            _batchTensor = Tensor.Empty(new Shape(config.BatchSize, trainData.Frames, trainData.Channels, trainData.Height, trainData.Width), device);
    }

    public TrainConfig Config { get; }

    public IDevice Device { get; }

    public SeqAe Model { get; }

    public Adam Optimizer { get; }

    /// <summary>Steps done so far (the next step's 0-based index).</summary>
    public long Step { get; private set; }

    /// <summary>Continues from a checkpoint written by <see cref="SaveCheckpoint"/>.</summary>
    public void Resume(string checkpointPath) => Step = Checkpoint.Load(checkpointPath, Model, Optimizer);

    /// <summary>One optimisation step on the next batch.</summary>
    public StepResult TrainStep()
    {
        _sampler.Fill(Step, _batch);
        _batchTensor.CopyFrom(_batch);
        double learningRate = Config.LearningRateAt(Step);
        bool reconstruct = Config.ReconstructsAt(Step);
        float loss;
        using (new TensorScope())
        {
            Model.ZeroGrad();
            var result = Model.Loss(_batchTensor, Config.ConditioningFrames, reconstruct);
            Tape.Backward(result.Loss);
            loss = result.Loss.Item();
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException(Step, $"the loss is {loss}");
            Optimizer.Step(learningRate);
        }
        Step++;
        return new StepResult(Step, loss, learningRate, reconstruct);
    }

    /// <summary>Writes checkpoint.safetensors (and model.safetensors) into <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) =>
        Checkpoint.Save(directory, Model, Optimizer, Step, new Dictionary<string, string>
        {
            ["config"] = Config.Source,
            ["seed"] = Config.Seed.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>The reference's reported diagnostics (loss_bd, loss_orth, internal losses) on the current batch; null
    /// for a model without a transition matrix.</summary>
    public LatentReport? Diagnose()
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        return Model.Infer(Ops.Layout.Slice(_batchTensor, 1, 0, Config.ConditioningFrames)).Diagnose();
    }

    public void Dispose()
    {
        _batchTensor.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}

/// <summary>Training produced a non-finite loss or gradient; the last checkpoint on disk is still good.</summary>
public sealed class TrainingDivergedException(long step, string what)
    : Exception($"Training diverged at step {step + 1}: {what}. The last checkpoint was kept; lower the learning rate or check the data.")
{
    public long Step { get; } = step;
}
