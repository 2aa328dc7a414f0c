using System.CommandLine;
using Msp.Core.Evaluation;

namespace Msp.Cli;

/// <summary>`msp report --run DIR`: one self-contained HTML page of a run and of every evaluation found in its folder.</summary>
public static class ReportCommand
{
    public static Command Build()
    {
        var run = EvalCommand.RunOption();
        var command = new Command("report", "Write report.html for a run folder: config, training curve, and every evaluation made so far.") { run };
        command.SetAction(parse => CliErrors.Run(() => Run(parse.GetValue(run)!, Console.Out)));
        return command;
    }

    internal static int Run(string runDirectory, TextWriter console)
    {
        var (path, missing) = RunReport.Write(runDirectory);
        console.WriteLine($"Wrote {path}" + (missing.Count == 0 ? "." : $"; not computed yet: {string.Join(", ", missing)} (the page names the commands)."));
        return 0;
    }
}
