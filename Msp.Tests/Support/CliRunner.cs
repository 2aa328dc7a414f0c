using System.Diagnostics;
using Msp.Cli;

namespace Msp.Tests.Support;

/// <summary>
/// Runs `msp` in-process with its console captured: the exit code, what it printed, what it reported as errors; or, for
/// tests that signal or kill it, as a process of its own.
/// </summary>
public static class CliRunner
{
    /// <summary>A running `msp` process and what it prints, read as it goes so its pipes never fill up.</summary>
    public sealed record MspProcess(Process Process, Task<string> Output, Task<string> Error) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited)
                Process.Kill();
            Process.WaitForExit();
            Process.Dispose();
        }
    }

    /// <summary>Starts the built `msp` (the Msp.Cli assembly next to the tests) with <paramref name="args"/>.</summary>
    public static MspProcess Start(params string[] args) => Start(interruptible: false, args);

    /// <summary>
    /// Starts `msp` as <see cref="Start(string[])"/>; with <paramref name="interruptible"/>, so that it acts on SIGINT
    /// even when this test run ignores SIGINT. A non-interactive shell starts its background jobs (`cmd &amp;`) with SIGINT
    /// ignored, children inherit that, and the .NET runtime then installs no SIGINT handler at all: kill -INT would do
    /// nothing. GNU env's --default-signal restores the default in the child before it execs dotnet (same process).
    /// </summary>
    public static MspProcess Start(bool interruptible, params string[] args)
    {
        bool restoreInterrupt = interruptible && InterruptIgnoredHere();
        var start = new ProcessStartInfo(restoreInterrupt ? "env" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (restoreInterrupt)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        return new MspProcess(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status; false where there is none).</summary>
    private static bool InterruptIgnoredHere()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return false;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = Program.Main(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
        }
    }
}
