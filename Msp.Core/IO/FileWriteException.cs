namespace Msp.Core.IO;

/// <summary>
/// An output file that cannot be written: its folder is missing or read-only, the disk is full. The message names the
/// file (not the temporary one the write went through) and the system's reason.
/// </summary>
public sealed class FileWriteException(string path, string reason, Exception innerException)
    : IOException($"{path} cannot be written ({reason}). Check that its folder exists and is writable, and that the disk has room.", innerException);
