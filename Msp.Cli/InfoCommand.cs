using System.CommandLine;
using System.Runtime.Intrinsics.X86;
using Msp.Core.Devices;

namespace Msp.Cli;

/// <summary>`msp info`: the devices this machine offers, and why CUDA is missing when it is.</summary>
public static class InfoCommand
{
    public static Command Build()
    {
        var command = new Command("info", "List the devices Msp can use on this machine.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    internal static int Run(TextWriter output)
    {
        output.WriteLine($"Msp {typeof(InfoCommand).Assembly.GetName().Version} on .NET {Environment.Version}, {Environment.OSVersion}");
        using (var cpu = new CpuDevice())
            output.WriteLine($"  cpu        {cpu.Name}; SIMD: AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported}, Vector<float> {System.Numerics.Vector<float>.Count} lanes");
        try
        {
            using var cuda = IlgpuDevice.CreateCuda();
            output.WriteLine($"  cuda       {cuda.Name}");
        }
        catch (DeviceUnavailableException e)
        {
            output.WriteLine($"  cuda       none: {e.Message}");
        }
        output.WriteLine("  ilgpu-cpu  ILGPU's CPU accelerator (runs the CUDA kernels as a simulator, for tests; very slow)");
        return 0;
    }
}
