using System.CommandLine;
using System.Globalization;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Performance;

namespace Msp.Cli;

/// <summary>
/// `msp bench`: milliseconds per MSP training step and per forward at the paper's widths, and GFLOP/s of the op
/// families, on the chosen accelerator. Medians after warm-up; run it on an idle machine.
/// </summary>
public static class BenchCommand
{
    internal sealed record Options(DeviceKind Accelerator, float[] Widths, int Batch, int Warmup, int Repeats, bool SkipOps, bool Profile = false);

    public static Command Build()
    {
        var accelerator = EvalCommand.AcceleratorOption();
        var widths = new Option<string>("--k") { Description = "Width factors to time, comma-separated.", DefaultValueFactory = _ => "0.5,1,2" };
        var batch = new Option<int>("--batch") { Description = "Sequences per batch (the paper's 32).", DefaultValueFactory = _ => 32 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps before timing (the JIT promotes hot code to optimised tiers after a few dozen calls).", DefaultValueFactory = _ => 10 };
        var repeats = new Option<int>("--repeats") { Description = "Timed steps (the median is reported).", DefaultValueFactory = _ => 10 };
        var skipOps = new Option<bool>("--no-ops") { Description = "Time only the training steps, not the op families." };
        var profile = new Option<bool>("--profile") { Description = "Also take each width's training step apart: time per op (forward, backward) and in Adam." };
        var command = new Command("bench", "Time MSP training steps (k = 0.5, 1, 2; batch 32, T = 3, dim_m 256, dim_a 16) and the op families' GFLOP/s.")
        {
            accelerator, widths, batch, warmup, repeats, skipOps, profile,
        };
        command.SetAction(parse => CliErrors.Run(() => Run(new Options(TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!),
            ParseWidths(parse.GetValue(widths)!), parse.GetValue(batch), parse.GetValue(warmup), parse.GetValue(repeats), parse.GetValue(skipOps), parse.GetValue(profile)), Console.Out)));
        return command;
    }

    internal static int Run(Options options, TextWriter console)
    {
        if (options.Batch < 1 || options.Repeats < 1 || options.Warmup < 0)
            throw new UsageException($"--batch and --repeats must be at least 1 and --warmup at least 0, got {options.Batch}, {options.Repeats} and {options.Warmup}.");
        using var device = DeviceFactory.Create(options.Accelerator);
        console.WriteLine($"msp bench on {device.Name}: batch {options.Batch}, T = 3 (2 conditioning), dim_m 256, dim_a 16; " +
                          $"median of {options.Repeats} after {options.Warmup} warm-up");
        console.WriteLine("    k   parameters   train step (ms)   forward (ms)");
        foreach (float k in options.Widths)
        {
            var network = new NetworkConfig(DimM: 256, DimA: 16, WidthFactor: k);
            var timing = StepBenchmark.Measure(device, network, options.Batch, frames: 3, conditioningFrames: 2, options.Warmup, options.Repeats);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{k,5:0.##} {timing.Parameters,12:N0} {timing.TrainStep.MedianMs,17:F1} {timing.Forward.MedianMs,14:F1}"));
        }
        if (options.Profile)
            foreach (float k in options.Widths)
                WriteProfile(StepBenchmark.Profile(device, new NetworkConfig(DimM: 256, DimA: 16, WidthFactor: k), options.Batch, frames: 3,
                    conditioningFrames: 2, options.Warmup, options.Repeats), console);
        if (options.SkipOps)
            return 0;
        console.WriteLine("family    shape          forward GFLOP/s   forward+backward GFLOP/s");
        foreach (var rate in OpBenchmark.Measure(device, options.Warmup, options.Repeats))
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rate.Family,-9} {rate.Shape,-14} {rate.ForwardGflops,15:F1} {rate.ForwardBackwardGflops,26:F1}"));
        return 0;
    }

    // The ops a profile lists by name; the rest are summed in one line.
    private const int ProfiledOpsShown = 12;

    private static void WriteProfile(StepProfile profile, TextWriter console)
    {
        double opsMs = profile.Ops.Sum(op => op.TotalMs);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile k = {profile.WidthFactor:0.##}: {profile.StepMs:F1} ms per step = ops {opsMs:F1} + Adam {profile.OptimizerMs:F1} + other {profile.StepMs - opsMs - profile.OptimizerMs:F1} (mean of the timed steps)"));
        console.WriteLine("  op                           calls   forward (ms)   backward (ms)   share of step");
        void Row(string name, int calls, double forwardMs, double backwardMs) => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-28} {calls,5} {forwardMs,14:F1} {backwardMs,15:F1} {100 * (forwardMs + backwardMs) / profile.StepMs,14:F1}%"));
        foreach (var op in profile.Ops.Take(ProfiledOpsShown))
            Row(op.Op, op.Calls, op.ForwardMs, op.BackwardMs);
        var rest = profile.Ops.Skip(ProfiledOpsShown).ToList();
        if (rest.Count > 0)
            Row($"{rest.Count} other ops", rest.Sum(op => op.Calls), rest.Sum(op => op.ForwardMs), rest.Sum(op => op.BackwardMs));
    }

    private static float[] ParseWidths(string text)
    {
        var widths = new List<float>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float k) || (int)(32 * k) < 1)
                throw new UsageException($"--k '{part}': give width factors such as 0.5,1,2 (int(32·k) must be at least 1).");
            widths.Add(k);
        }
        return widths.Count > 0 ? widths.ToArray() : throw new UsageException("--k: give at least one width factor.");
    }
}
