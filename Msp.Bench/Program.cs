using BenchmarkDotNet.Running;

namespace Msp.Bench;

/// <summary>Entry point: `dotnet run -c Release --project Msp.Bench -- --filter '*Gemm*'` picks suites by name.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
