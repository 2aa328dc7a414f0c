namespace Msp.Core.Training;

/// <summary>A config file that cannot be used: the message names the file, the key, the bad value and the fix.</summary>
public sealed class ConfigException(string message) : Exception(message);
