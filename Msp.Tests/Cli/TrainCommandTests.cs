using System.Text.Json;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

public sealed class TrainCommandTests : TempFolderTests
{
    private int Main(params string[] args)
    {
        (int code, Output, Error) = CliRunner.Run(args);
        return code;
    }

    private string Output { get; set; } = "";

    private string Error { get; set; } = "";

    [Test]
    public void Trains_the_tiny_config_end_to_end_and_writes_the_runFolder()
    {
        string run = Path.Combine(Folder, "run");
        int code = Main("train", "--config", "tiny", "--out", run);
        Assert.That(code, Is.Zero, Error + Output);
        Assert.Multiple(() =>
        {
            foreach (var file in new[] { "config.yml", "metrics.csv", Checkpoint.FileName, Checkpoint.ModelFileName, "eval.json", "eval.csv", "eval.png", "loss.png" })
                Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);
            Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.csv")), Has.Length.EqualTo(1 + 6));
            Assert.That(Output, Does.Contain("repeat-last"));
        });
        using var eval = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json")));
        Assert.That(eval.RootElement.GetProperty("model").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void Resume_continues_a_run_and_refuses_to_overwrite_one()
    {
        string run = Path.Combine(Folder, "run");
        Assert.That(Main("train", "--config", "tiny", "--out", run, "--steps", "3"), Is.Zero, Error);
        Assert.That(Main("train", "--config", "tiny", "--out", run), Is.EqualTo(2));
        Assert.That(Error, Does.Contain("already holds a training run").And.Contain("--resume"));
        Assert.That(Main("train", "--config", "tiny", "--out", run, "--resume"), Is.Zero, Error);
        Assert.That(Output, Does.Contain("steps 3→6"));
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.csv")), Has.Length.EqualTo(1 + 6));
    }

    [Test]
    public void Cuda_without_a_gpu_fails_at_once_with_a_clear_message()
    {
        if (Msp.Core.Devices.IlgpuDevice.CudaDiagnosis().Contains("reports 1", StringComparison.Ordinal))
            Assert.Ignore("This machine has a GPU.");
        int code = Main("train", "--config", "tiny", "--accelerator", "cuda", "--out", Path.Combine(Folder, "gpu"));
        Assert.That(code, Is.EqualTo(3));
        Assert.That(Error, Does.Contain("No CUDA device").And.Contain("--accelerator cpu").And.Not.Contain("   at "));
    }

    [Test]
    public void Ctrl_C_saves_a_checkpoint_at_the_current_step_and_exits_with_130()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            Assert.Ignore("Sends SIGINT with kill(1).");
        string run = Path.Combine(Folder, "run");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(Msp.Cli.Program).Assembly.Location, "train", "--config", "tiny", "--steps", "100000", "--out", run },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        string metrics = Path.Combine(run, "metrics.csv");
        // Wait until training is under way (some steps logged), then interrupt it like Ctrl-C does.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(metrics) && new FileInfo(metrics).Length > 200) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(100);
        if (process.HasExited)
            Assert.Fail("msp train ended before it could be interrupted: " + errors.Result);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail("msp train did not stop within 60 s of SIGINT.");
        }
        Assert.That(process.ExitCode, Is.EqualTo(130), output.Result);
        Assert.That(output.Result, Does.Contain("Interrupted at step").And.Contain("--resume"));
        var (_, metadata) = Msp.Core.IO.Safetensors.Read(Path.Combine(run, Checkpoint.FileName));
        // The checkpoint holds exactly the steps the metrics log recorded: nothing done was lost.
        Assert.That(long.Parse(metadata["step"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(File.ReadAllLines(metrics).Length - 1));
    }

    [Test]
    public void An_unknown_accelerator_is_a_usage_error()
    {
        Assert.That(Main("train", "--config", "tiny", "--accelerator", "tpu", "--out", Path.Combine(Folder, "x")), Is.EqualTo(2));
        Assert.That(Error, Does.Contain("Unknown accelerator 'tpu'"));
    }
}
