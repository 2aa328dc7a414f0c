namespace Msp.Core.IO;

/// <summary>
/// A file Msp cannot read: wrong format, truncated, or not what the caller expected. The message names the file,
/// what was expected and what was found, so the user can fix the file or point Msp at another one.
/// </summary>
public sealed class FileFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;
}
