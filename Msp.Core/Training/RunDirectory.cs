using Msp.Core.IO;

namespace Msp.Core.Training;

/// <summary>The folder of one training run: config.yml, metrics.csv, checkpoints, evaluation outputs.</summary>
public static class RunDirectory
{
    public const string ConfigFileName = "config.yml";

    public const string LockFileName = ".msp-train.lock";

    /// <summary>
    /// Holds the run folder for one process until disposed: a second `msp train` on the same folder would interleave
    /// checkpoints and metrics. The operating system releases the lock when the process dies, however it dies; the
    /// temporary files of a write that a killed holder left unfinished are removed once the lock is held.
    /// </summary>
    public static IDisposable Lock(string directory)
    {
        string path = Path.Combine(Path.GetFullPath(directory), LockFileName);
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ConfigException($"{Path.GetDirectoryName(path)} is in use by another `msp train` (it holds {LockFileName}). Wait for it to end, or choose another folder with --out.");
        }
        AtomicFile.RemoveTemporaries(Path.GetDirectoryName(path)!);
        return held;
    }

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
