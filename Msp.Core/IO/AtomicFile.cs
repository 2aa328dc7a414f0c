using System.Runtime.InteropServices;

namespace Msp.Core.IO;

/// <summary>
/// Replaces a file so that readers (and a process killed half way) see either the complete old file or the complete
/// new one: write to a temporary sibling, fsync it, rename it over the target, fsync the folder (so the rename itself
/// survives a power cut, not only a killed process). A kill mid-write leaves only a temporary file, which
/// <see cref="RemoveTemporaries"/> clears when the folder is reopened. A write the system refuses is a
/// <see cref="FileWriteException"/> naming the target.
/// </summary>
public static partial class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    public static void Write(string path, Action<FileStream> writeContent)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            // The system's message names the temporary file; the user knows the target.
            throw new FileWriteException(full, e.Message.Replace(temporary, full, StringComparison.Ordinal), e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        SyncDirectory(directory);
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> with the same all-or-nothing rule.</summary>
    public static void Copy(string source, string destination)
    {
        using var input = File.OpenRead(source);
        Write(destination, input.CopyTo);
    }

    /// <summary>
    /// Deletes the temporary files that writes into <paramref name="directory"/> left behind when their process was
    /// killed. Call it only while no other process writes there (a run folder is used by one `msp train` at a time).
    /// </summary>
    public static void RemoveTemporaries(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, $".*{TemporarySuffix}"))
            TryDelete(file);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    // POSIX makes a rename durable only once the folder holding it is fsynced; .NET has no API for a folder handle.
    // On Windows MoveFileEx already commits the rename to the journal, so there is nothing to do.
    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        int descriptor = Open(directory, OpenReadOnly | (OperatingSystem.IsLinux() ? OpenDirectoryLinux : OpenDirectoryMacOs));
        if (descriptor < 0)
            return;
        FileSync(descriptor);
        Close(descriptor);
    }

    private const int OpenReadOnly = 0;
    private const int OpenDirectoryLinux = 0x10000;
    private const int OpenDirectoryMacOs = 0x100000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
