using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.IO;
using Msp.Core.Models;
using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>
/// A finished (or interrupted) run folder opened for evaluation: its config (config.yml) and its model
/// (model.safetensors) on a device, plus the held-out data the evaluation commands draw from.
/// </summary>
public sealed class TrainedRun : IDisposable
{
    private readonly string? _dataRoot;

    private TrainedRun(string directory, TrainConfig config, SeqAe model, string? dataRoot)
    {
        _dataRoot = dataRoot;
        Directory = directory;
        Config = config;
        Model = model;
    }

    public string Directory { get; }

    public TrainConfig Config { get; }

    public SeqAe Model { get; }

    /// <summary>
    /// Opens <paramref name="directory"/>; a clear error names what is missing or does not fit. Held-out data comes from
    /// the config's data, or from the MNIST IDX files under <paramref name="dataRoot"/> (as `msp train --data-root`).
    /// </summary>
    public static TrainedRun Open(string directory, IDevice device, string? dataRoot = null)
    {
        string full = Path.GetFullPath(directory);
        string configPath = Path.Combine(full, RunDirectory.ConfigFileName), modelPath = Path.Combine(full, Checkpoint.ModelFileName);
        if (!System.IO.Directory.Exists(full))
            throw new ConfigException($"The run folder {full} does not exist. Give the --out folder of an `msp train` run.");
        if (!File.Exists(configPath) || !File.Exists(modelPath))
            throw new ConfigException($"{full} is not a run folder: it needs {RunDirectory.ConfigFileName} and {Checkpoint.ModelFileName}, written by `msp train`.");
        var config = ConfigReader.Parse(File.ReadAllText(configPath), configPath);
        var model = config.Model.Build(device, config.Seed);
        try
        {
            model.LoadState(Safetensors.Read(modelPath).Tensors, modelPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new TrainedRun(full, config, model, dataRoot);
    }

    /// <summary>
    /// Held-out sequences of <paramref name="frames"/> frames from the run's test split, optionally with
    /// <paramref name="sharedTransition"/>: every sequence of a
    /// batch then moves by the same transition (the equivariance test), and with only <paramref name="actions"/> active.
    /// </summary>
    public ISequenceDataset TestData(int frames, bool sharedTransition = false, int[]? actions = null)
    {
        var config = Config with
        {
            TrainData = Config.TrainData with { ActiveActions = actions ?? Config.TrainData.ActiveActions },
            Eval = Config.Eval with { ConditioningFrames = Config.Eval.ConditioningFrames, Horizon = frames - Config.Eval.ConditioningFrames },
        };
        var test = TrainingData.Create(config, _dataRoot).Test;
        if (!sharedTransition)
            return test;
        return test switch
        {
            SequentialMnist mnist => mnist.With(mnist.Config with { SharedTransition = true }),
            FactorSequences factors => factors.WithSharedTransition(),
            _ => test,
        };
    }

    /// <summary>A folder inside the run for one evaluation's outputs (created).</summary>
    public string OutputFolder(string name)
    {
        string folder = Path.Combine(Directory, "eval", name);
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose() => Model.Dispose();
}
