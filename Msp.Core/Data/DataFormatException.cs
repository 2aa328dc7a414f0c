namespace Msp.Core.Data;

/// <summary>
/// A data file is not what it claims to be (wrong magic number, truncated, inconsistent sizes). The message names
/// the file, what was expected and what was found, so the user can tell a wrong path from a damaged download.
/// </summary>
public sealed class DataFormatException(string message, Exception? innerException = null)
    : Exception(message, innerException);
