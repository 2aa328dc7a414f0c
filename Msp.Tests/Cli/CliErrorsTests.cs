using Msp.Core.IO;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>Each kind of bad input a user can give `msp`: one paragraph on stderr naming what is wrong, an exit code, no stack trace.</summary>
public sealed class CliErrorsTests : TempFolderTests
{
    /// <summary>One bad input: <see cref="Arrange"/> prepares files in the test folder and returns the command line.</summary>
    public sealed record BadInput(string Name, Func<string, string[]> Arrange, int ExitCode, params string[] Expected)
    {
        public override string ToString() => Name;
    }

    private static string Tiny => ConfigLibrary.ReadText("tiny").Text;

    private static string WriteConfig(string folder, string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A run folder of the tiny config after 3 steps, as `msp train --steps 3` leaves it.</summary>
    private static string TinyRunFolder(string folder)
    {
        string run = Path.Combine(folder, "run");
        var (code, _, error) = CliRunner.Run("train", "--config", "tiny", "--out", run, "--steps", "3");
        Assert.That(code, Is.Zero, error);
        return run;
    }

    private static IEnumerable<TestCaseData> BadInputs()
    {
        BadInput[] cases =
        [
            new("unknown config key", f => ["train", "--out", Path.Combine(f, "run"), "--config",
                    WriteConfig(f, "colour.yml", Tiny.Replace("    only_use_digit4", "    colour: red\n    only_use_digit4"))],
                2, "colour.yml", "unknown key 'train_data.args.colour'"),
            new("wrong type", f => ["train", "--out", Path.Combine(f, "run"), "--config", WriteConfig(f, "type.yml", Tiny.Replace("batchsize: 4", "batchsize: four"))],
                2, "type.yml", "batchsize"),
            new("missing data files", f => ["train", "--config", "tiny", "--out", Path.Combine(f, "run"), "--data-root", Directory.CreateDirectory(Path.Combine(f, "empty")).FullName],
                2, "train-images-idx3-ubyte", "empty"),
            new("corrupt data file", f =>
                {
                    string root = Directory.CreateDirectory(Path.Combine(f, "mnist")).FullName;
                    File.WriteAllBytes(Path.Combine(root, "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 9, 0, 0]);
                    File.WriteAllBytes(Path.Combine(root, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 0]);
                    return ["train", "--config", "tiny", "--out", Path.Combine(f, "run"), "--data-root", root];
                },
                2, Path.Combine("mnist", "train-images-idx3-ubyte"), "truncated header"),
            new("checkpoint that does not fit the config", f =>
                {
                    string run = TinyRunFolder(f);
                    return ["train", "--resume", "--out", run, "--config", WriteConfig(f, "wide.yml", Tiny.Replace("dim_m: 8", "dim_m: 16"))];
                },
                2, Checkpoint.FileName, "do not fit this model", "dim_m"),
            new("corrupt checkpoint", f =>
                {
                    string run = TinyRunFolder(f), checkpoint = Path.Combine(run, Checkpoint.FileName);
                    File.WriteAllBytes(checkpoint, File.ReadAllBytes(checkpoint)[..1000]);
                    return ["train", "--resume", "--config", "tiny", "--out", run];
                },
                2, Checkpoint.FileName, "truncated"),
            new("resume without a checkpoint", f => ["train", "--resume", "--config", "tiny", "--out", Path.Combine(f, "new")],
                2, "has no checkpoint.safetensors yet", "without --resume"),
            new("singular least-squares system in training", f => ["train", "--out", Path.Combine(f, "run"), "--config",
                    WriteConfig(f, "wide-a.yml", Tiny.Replace("dim_a: 4", "dim_a: 12"))],
                4, "Training diverged at step 1", "singular", "rows 8 < a 12", "No checkpoint had been written yet"),
            new("singular least-squares system in a forward", f =>
                {
                    string config = WriteConfig(f, "wide-a.yml", Tiny.Replace("dim_a: 4", "dim_a: 12"));
                    var parsed = ConfigLibrary.Load(config);
                    using (var trainer = new Trainer(parsed, TestDevices.Cpu, TrainingData.Create(parsed, dataRoot: null).Train))
                        Safetensors.Write(Path.Combine(f, "w.safetensors"), trainer.Model.GetState());
                    Safetensors.Write(Path.Combine(f, "x.safetensors"), [new NamedArray("xs", [1, 3, 3, 32, 32], RandomData.Uniform(9 * 1024, seed: 1, 0f, 1f))]);
                    return ["forward", "--config", config, "--checkpoint", Path.Combine(f, "w.safetensors"), "--input", Path.Combine(f, "x.safetensors"), "--out", Path.Combine(f, "y.safetensors")];
                },
                2, "LeastSquares.Solve", "singular", "dim_a"),
            new("output folder that cannot be created", f =>
                {
                    File.WriteAllText(Path.Combine(f, "plain-file"), "");
                    return ["train", "--config", "tiny", "--out", Path.Combine(f, "plain-file", "run")];
                },
                2, Path.Combine("plain-file", "run"), "cannot be written", "--out"),
            new("output file in a missing folder", f =>
                {
                    string run = TinyRunFolder(f);
                    Safetensors.Write(Path.Combine(f, "x.safetensors"), [new NamedArray("xs", [1, 3, 3, 32, 32], new float[9 * 1024])]);
                    return ["forward", "--config", "tiny", "--checkpoint", Path.Combine(run, Checkpoint.ModelFileName), "--input", Path.Combine(f, "x.safetensors"),
                        "--out", Path.Combine(f, "missing", "y.safetensors")];
                },
                2, Path.Combine("missing", "y.safetensors"), "cannot be written"),
            new("cuda without a usable GPU", f => ["train", "--config", "tiny", "--accelerator", "cuda", "--out", Path.Combine(f, "run")],
                3, "No CUDA device", "--accelerator cpu"),
        ];
        return cases.Select(c => new TestCaseData(c).SetName($"Bad input: {c.Name}"));
    }

    [TestCaseSource(nameof(BadInputs))]
    public void Bad_input_is_one_paragraph_and_an_exit_code_never_a_stack_trace(BadInput input)
    {
        if (input.ExitCode == 3 && Msp.Core.Devices.IlgpuDevice.CudaDiagnosis().Contains("reports 1", StringComparison.Ordinal))
            Assert.Ignore("This machine has a GPU.");
        var (code, output, error) = CliRunner.Run(input.Arrange(Folder));
        string message = error.Trim();
        TestContext.Out.WriteLine(message);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(input.ExitCode), message + output);
            Assert.That(message, Does.StartWith("error: "));
            Assert.That(message, Does.Not.Contain('\n'), "one paragraph");
            Assert.That(message, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace, no exception type");
            foreach (string fragment in input.Expected)
                Assert.That(message, Does.Contain(fragment));
        });
    }
}
