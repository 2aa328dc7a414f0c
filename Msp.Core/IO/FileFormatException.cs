namespace Msp.Core.IO;

/// <summary>
/// A file Msp cannot use: wrong format or magic number, truncated, inconsistent sizes, or tensors that do not fit.
/// The message names the file, what was expected and what was found, so the user can tell a wrong path from a
/// damaged download and fix it.
/// </summary>
public sealed class FileFormatException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>"path: problem".</summary>
    public static FileFormatException In(string path, string problem) => new($"{path}: {problem}");
}
