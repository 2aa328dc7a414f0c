using Msp.Core.Devices;
using Msp.Core.IO;
using Msp.Core.Ops;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>
/// Turns the failures a user can cause or fix (bad config, missing or corrupt file, no GPU, unwritable folder, a
/// diverged run) into one paragraph on stderr and a distinct exit code, never a stack trace. Anything else is a bug
/// and is shown in full.
/// </summary>
internal static class CliErrors
{
    public const int BadInput = 2;
    public const int DeviceUnavailable = 3;
    public const int Diverged = 4;
    public const int Interrupted = 130;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (ExitCode(e) is int code)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return code;
        }
    }

    private static int? ExitCode(Exception e) => e switch
    {
        ConfigException or FileFormatException or FileWriteException or UsageException or SingularSystemException => BadInput,
        DeviceUnavailableException => DeviceUnavailable,
        TrainingDivergedException => Diverged,
        UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException => BadInput,
        _ => null,
    };
}

/// <summary>A command-line argument that cannot be used; the message says which and what to do.</summary>
internal sealed class UsageException(string message) : Exception(message);
