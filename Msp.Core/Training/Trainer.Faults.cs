using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>
/// Locating a numerical fault after it is seen: the steps that led to it are re-run on a second trainer that checks
/// every op output, every gradient and every updated parameter, and the first non-finite tensor is reported. On
/// `cpu` the replay computes the same numbers as the run, so it finds the same fault.
/// </summary>
public sealed partial class Trainer
{
    // Set only on the replay trainer: every tensor of a step is checked (several host copies per op).
    private readonly bool _checkEveryTensor;

    // The checkpoint this trainer last wrote or resumed from: where a replay can start.
    private (string Path, long Step)? _lastCheckpoint;

    /// <summary>The exception for a fault seen at 0-based <paramref name="step"/>, with the place it came from.</summary>
    private Exception LocateFault(long step, string symptom)
    {
        if (_checkEveryTensor)
            return new NonFiniteTensorException("the loss", symptom);
        return new TrainingDivergedException(step, symptom, FindOrigin(step), _lastCheckpoint?.Step);
    }

    /// <summary>
    /// Re-runs steps up to <paramref name="step"/> with every tensor checked. If the weights and optimizer state are
    /// still finite the fault arose in this very step, which is re-run from the current state; otherwise an earlier
    /// update broke them, and the replay starts from the last checkpoint (or the seed's initial weights).
    /// </summary>
    private string FindOrigin(long step)
    {
        using var replay = new Trainer(Config, Device, _sampler.Dataset, checkEveryTensor: true);
        string start;
        if (StateIsFinite())
        {
            replay.CopyStateFrom(this);
            start = $"step {Step + 1} re-run with every tensor checked";
        }
        else if (_lastCheckpoint is var (path, checkpointStep))
        {
            replay.Resume(path);
            start = $"steps {checkpointStep + 1}–{step + 1} replayed from the checkpoint with every tensor checked";
        }
        else
            start = $"steps 1–{step + 1} replayed from the initial weights with every tensor checked";
        try
        {
            while (replay.Step <= step)
                replay.TrainStep();
        }
        catch (NonFiniteTensorException e)
        {
            return $"The first NaN/Inf appeared at step {replay.Step + 1} in {e.Tensor} ({start})";
        }
        catch (Ops.SingularSystemException e)
        {
            return $"Every tensor was finite up to the singular system at step {replay.Step + 1} ({start}): {e.Message}";
        }
        return $"No tensor was non-finite when {start}: the fault did not reproduce";
    }

    private bool StateIsFinite() =>
        Model.Parameters().Concat(Optimizer.StateTensors().Select(s => s.Tensor)).All(t => t.ToArray().All(float.IsFinite));

    private void CopyStateFrom(Trainer source)
    {
        var targets = Model.Parameters().Concat(Optimizer.StateTensors().Select(s => s.Tensor));
        var sources = source.Model.Parameters().Concat(source.Optimizer.StateTensors().Select(s => s.Tensor));
        foreach (var (target, from) in targets.Zip(sources))
            target.CopyFrom(from.ToArray());
        Optimizer.StepCount = source.Optimizer.StepCount;
        Step = source.Step;
    }

    private static void ThrowIfNotFinite(IEnumerable<(Tensor? Tensor, string Name)> tensors)
    {
        foreach (var (tensor, name) in tensors)
            if (tensor is not null)
                NonFiniteTensorException.ThrowIfAny(tensor.ToArray(), name);
    }
}
