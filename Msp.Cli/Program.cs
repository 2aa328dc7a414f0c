using System.CommandLine;

namespace Msp.Cli;

/// <summary>The `msp` command line: one subcommand per file, each parsing its options and calling Msp.Core.</summary>
public static class Program
{
    // Ctrl-C cancels the running command, which then saves its checkpoint; a large model's checkpoint takes longer
    // to write than System.CommandLine's default of 2 s before it ends the process regardless.
    private static readonly InvocationConfiguration Invocation = new() { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };

    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke(Invocation);

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("Msp: meta-sequential prediction (Miyato et al., NeurIPS 2022) on a managed C# runtime.");
        root.Subcommands.Add(InfoCommand.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(ForwardCommand.Build());
        root.Subcommands.Add(EvalCommand.Build());
        root.Subcommands.Add(GenerateCommand.Build());
        root.Subcommands.Add(DataCommand.Build());
        root.Subcommands.Add(ReportCommand.Build());
        root.Subcommands.Add(CompareCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        return root;
    }
}
