using System.Text.Json;
using Msp.Core.IO;
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
        using var msp = CliRunner.Start(interruptible: true, "train", "--config", "tiny", "--steps", "100000", "--out", run);
        var (process, output, errors) = (msp.Process, msp.Output, msp.Error);
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
            Assert.Fail("msp train did not stop within 60 s of SIGINT.");
        Assert.That(process.ExitCode, Is.EqualTo(130), output.Result);
        Assert.That(output.Result, Does.Contain("Interrupted at step").And.Contain("--resume"));
        var (_, metadata) = Msp.Core.IO.Safetensors.Read(Path.Combine(run, Checkpoint.FileName));
        // The checkpoint holds exactly the steps the metrics log recorded: nothing done was lost.
        Assert.That(long.Parse(metadata["step"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(File.ReadAllLines(metrics).Length - 1));
    }

    [Test]
    public void Runs_killed_at_random_moments_resume_to_bit_identical_weights()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            Assert.Ignore("Relies on Process.Kill being SIGKILL.");
        // The tiny network with a checkpoint after every step, so that kills land in checkpoint writes too.
        string config = Path.Combine(Folder, "crash.yml");
        File.WriteAllText(config, ConfigLibrary.ReadText("tiny").Text
            .Replace("max_iteration: 6", "max_iteration: 30").Replace("manager_snapshot_freq: 3", "manager_snapshot_freq: 1")
            .Replace("model_snapshot_freq: 6", "model_snapshot_freq: 10"));
        string reference = Path.Combine(Folder, "uninterrupted"), run = Path.Combine(Folder, "killed");
        Assert.That(Main("train", "--config", config, "--out", reference), Is.Zero, Error);

        var random = new Random(8);
        string checkpoint = Path.Combine(run, Checkpoint.FileName);
        int kills = 0, killsMidWrite = 0;
        bool finished = false;
        for (int attempt = 0; kills < 6 && attempt < 20; attempt++)
        {
            long stepBefore = File.Exists(checkpoint) ? CheckpointStep(checkpoint) : 0;
            using var msp = CliRunner.Start(["train", "--config", config, "--out", run, .. stepBefore > 0 ? new[] { "--resume" } : []]);
            // Once this process is training (it has written its first checkpoint), kill it at a random moment or, every
            // other time, the moment a write's temporary file appears: in the middle of writing a checkpoint.
            var written = File.GetLastWriteTimeUtc(checkpoint);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!msp.Process.HasExited && File.GetLastWriteTimeUtc(checkpoint) == written && clock.Elapsed < TimeSpan.FromSeconds(60))
                Thread.Sleep(5);
            Thread.Sleep(random.Next(0, 600));
            if (attempt % 2 == 1)
                while (!msp.Process.HasExited && !Directory.EnumerateFiles(run, ".*.tmp").Any() && clock.Elapsed < TimeSpan.FromSeconds(60))
                    Thread.SpinWait(100);
            if (msp.Process.HasExited)
            {
                Assert.That(msp.Process.ExitCode, Is.Zero, msp.Error.Result);
                finished = true;
                break;
            }
            msp.Process.Kill();
            msp.Process.WaitForExit();
            kills++;
            if (Directory.EnumerateFiles(run, ".*.tmp").Any())
                killsMidWrite++;
            // Once a checkpoint has been written, every kill leaves one that loads and is no older than before.
            if (stepBefore > 0 || File.Exists(checkpoint))
            {
                var crashConfig = ConfigLibrary.Load(config);
                using var trainer = new Trainer(crashConfig, TestDevices.Cpu, TrainingData.Create(crashConfig, dataRoot: null).Train);
                trainer.Resume(checkpoint);
                Assert.That(trainer.Step, Is.GreaterThanOrEqualTo(stepBefore), $"kill {kills}");
            }
        }
        TestContext.Out.WriteLine($"{kills} kills, {killsMidWrite} of them during a file write; resumed at step {CheckpointStep(checkpoint)}");
        Assert.That(kills, Is.GreaterThanOrEqualTo(3), "the run was killed only rarely; it finished first");
        Assert.That(killsMidWrite, Is.Positive, "no kill landed in a file write");
        // A kill may land after the last step (in the evaluation's writes); resuming then only evaluates.
        if (!finished)
            Assert.That(Main("train", "--config", config, "--out", run, "--resume"), Is.Zero, Error);

        var (expected, _) = Safetensors.Read(Path.Combine(reference, Checkpoint.FileName));
        var (actual, _) = Safetensors.Read(checkpoint);
        Assert.That(actual.Select(t => t.Name), Is.EqualTo(expected.Select(t => t.Name)));
        foreach (var (got, want) in actual.Zip(expected))
            Assert.That(got.Data, Is.EqualTo(want.Data), $"{got.Name} (weights and optimizer state must match bit for bit)");
        Assert.That(Losses(run), Is.EqualTo(Losses(reference)), "the loss curve in metrics.csv");
        Assert.That(Directory.EnumerateFiles(run, ".*.tmp"), Is.Empty, "temporary files of killed writes are cleared on resume");
    }

    [Test]
    public void A_checkpoint_write_cut_off_by_a_kill_is_ignored_and_cleared_on_resume()
    {
        string run = Path.Combine(Folder, "run");
        Assert.That(Main("train", "--config", "tiny", "--out", run, "--steps", "3"), Is.Zero, Error);
        // What a SIGKILL in the middle of AtomicFile.Write leaves: the first bytes of the new file under a temporary name.
        byte[] complete = File.ReadAllBytes(Path.Combine(run, Checkpoint.FileName));
        string cutOff = Path.Combine(run, $".{Checkpoint.FileName}.999999.tmp");
        File.WriteAllBytes(cutOff, complete[..(complete.Length / 2)]);
        Assert.That(Main("train", "--config", "tiny", "--out", run, "--resume"), Is.Zero, Error);
        Assert.That(Output, Does.Contain("steps 3→6"));
        Assert.That(File.Exists(cutOff), Is.False);
    }

    [Test]
    public void A_second_train_on_a_folder_in_use_is_refused()
    {
        string run = Path.Combine(Folder, "run");
        Directory.CreateDirectory(run);
        using (RunDirectory.Lock(run))
            Assert.That(Main("train", "--config", "tiny", "--out", run), Is.EqualTo(2));
        Assert.That(Error, Does.Contain("in use by another `msp train`").And.Contain(run));
        Assert.That(Main("train", "--config", "tiny", "--out", run), Is.Zero, Error);
    }

    private static long CheckpointStep(string path) =>
        long.Parse(Safetensors.Read(path).Metadata["step"], System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Losses(string run)
    {
        string path = Path.Combine(run, "metrics.csv");
        if (!File.Exists(path))
            return [];
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd().Split('\n').Skip(1).Select(line => line.Split(',')).Where(f => f.Length == 8)
            .Select(f => f[0] + "," + f[1]).ToList();
    }

    [Test]
    public void An_unknown_accelerator_is_a_usage_error()
    {
        Assert.That(Main("train", "--config", "tiny", "--accelerator", "tpu", "--out", Path.Combine(Folder, "x")), Is.EqualTo(2));
        Assert.That(Error, Does.Contain("Unknown accelerator 'tpu'"));
    }
}
