using Msp.Core.IO;

namespace Msp.Core.Training;

/// <summary>The folder of one training run: config.yml, metrics.csv, checkpoints, evaluation outputs.</summary>
public static class RunDirectory
{
    public const string ConfigFileName = "config.yml";

    /// <summary>
    /// Creates (or reopens, when resuming) the run folder and records the config in it. Refuses to start a fresh run in
    /// a folder that already holds a checkpoint, so a run is never overwritten by accident.
    /// </summary>
    public static string Prepare(string directory, string configText, bool resume)
    {
        string full = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(full);
            AtomicFile.WriteAllText(Path.Combine(full, ".write-test"), "");
            File.Delete(Path.Combine(full, ".write-test"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"The run folder {full} cannot be written ({e.Message}). Choose another with --out.", e);
        }
        if (!resume && File.Exists(Path.Combine(full, Checkpoint.FileName)))
            throw new ConfigException($"{full} already holds a training run ({Checkpoint.FileName}). Continue it with --resume, or choose another folder with --out.");
        if (!resume || !File.Exists(Path.Combine(full, ConfigFileName)))
            AtomicFile.WriteAllText(Path.Combine(full, ConfigFileName), configText);
        return full;
    }
}
