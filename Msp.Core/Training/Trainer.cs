using System.Diagnostics;
using System.Globalization;
using Msp.Core.Autodiff;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Ops;
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
public sealed partial class Trainer : IDisposable
{
    private readonly BatchSampler _sampler;
    private readonly float[] _batch;
    private readonly Tensor _batchTensor;

    public Trainer(TrainConfig config, IDevice device, ISequenceDataset trainData)
        : this(config, device, trainData, checkEveryTensor: false)
    {
    }

    private Trainer(TrainConfig config, IDevice device, ISequenceDataset trainData, bool checkEveryTensor)
    {
        Config = config;
        Device = device;
        _checkEveryTensor = checkEveryTensor;
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
    public void Resume(string checkpointPath)
    {
        Step = Checkpoint.Load(checkpointPath, Model, Optimizer);
        _lastCheckpoint = (checkpointPath, Step);
    }

    /// <summary>
    /// One optimisation step on the next batch. A non-finite loss stops training with a
    /// <see cref="TrainingDivergedException"/> that names where the first NaN/Inf appeared; the only check paid on every
    /// step is that of the loss scalar, which is read back anyway.
    /// </summary>
    public StepResult TrainStep()
    {
        _sampler.Fill(Step, _batch);
        if (_checkEveryTensor)
            NonFiniteTensorException.ThrowIfAny(_batch, "the input batch");
        _batchTensor.CopyFrom(_batch);
        double learningRate = Config.LearningRateAt(Step);
        bool reconstruct = Config.ReconstructsAt(Step);
        float loss;
        using (new TensorScope())
        using (_checkEveryTensor ? Tape.CheckFinite() : null)
        {
            Model.ZeroGrad();
            try
            {
                var result = Model.Loss(_batchTensor, Config.ConditioningFrames, reconstruct);
                Tape.Backward(result.Loss);
                loss = result.Loss.Item();
            }
            catch (SingularSystemException) when (!_checkEveryTensor)
            {
                // Usually NaN latents (Cholesky fails on them) or collapsed ones: the replay tells which.
                throw LocateFault(Step, "the least-squares system for M* is singular");
            }
            if (!float.IsFinite(loss))
                throw LocateFault(Step, $"the loss is {loss}");
            if (_checkEveryTensor)
                ThrowIfNotFinite(Model.NamedParameters().Select(p => (p.Tensor.Grad, $"the gradient of {p.Path}")));
            Optimizer.Step(learningRate);
            if (_checkEveryTensor)
                ThrowIfNotFinite(Model.NamedParameters().Select(p => ((Tensor?)p.Tensor, $"{p.Path} after the Adam update"))
                    .Concat(Optimizer.StateTensors().Select(s => ((Tensor?)s.Tensor, $"{s.Name} after the Adam update"))));
        }
        Step++;
        return new StepResult(Step, loss, learningRate, reconstruct);
    }

    /// <summary>
    /// Writes checkpoint.safetensors (and model.safetensors) into <paramref name="directory"/>; a state that is no longer
    /// finite is not written (the previous checkpoint stays) and stops training like a non-finite loss.
    /// </summary>
    public void SaveCheckpoint(string directory)
    {
        try
        {
            Checkpoint.Save(directory, Model, Optimizer, Step, new Dictionary<string, string>
            {
                ["config"] = Config.Source,
                ["seed"] = Config.Seed.ToString(CultureInfo.InvariantCulture),
            });
        }
        catch (NonFiniteTensorException e)
        {
            throw LocateFault(Step - 1, $"{e.Tensor} is not finite at the checkpoint");
        }
        _lastCheckpoint = (Path.Combine(directory, Checkpoint.FileName), Step);
    }

    /// <summary>
    /// The reference's reported diagnostics (loss_bd, loss_orth, internal losses) on the current batch; null for a model
    /// without a transition matrix, or when the updated weights make that batch's M* system singular (the next step
    /// then reports the fault with its origin).
    /// </summary>
    public LatentReport? Diagnose()
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        try
        {
            return Model.Infer(Ops.Layout.Slice(_batchTensor, 1, 0, Config.ConditioningFrames)).Diagnose();
        }
        catch (SingularSystemException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _batchTensor.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}

/// <summary>
/// Training produced a non-finite loss or state, or a singular M* system, at 0-based step <see cref="Step"/>;
/// <paramref name="origin"/> says where the first NaN/Inf was found, when it could be traced. No checkpoint was written
/// after the fault.
/// </summary>
public sealed class TrainingDivergedException(long step, string what, string? origin, long? lastCheckpointStep)
    : Exception($"Training diverged at step {step + 1}: {what}.{(origin is null ? "" : $" {origin.TrimEnd('.')}.")} " +
                (lastCheckpointStep is long kept ? $"The last good checkpoint (step {kept}) was kept" : "No checkpoint had been written yet") +
                "; lower the learning rate or check the data.")
{
    public long Step { get; } = step;
}
