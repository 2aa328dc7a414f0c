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
    public static MspProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        return new MspProcess(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
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
