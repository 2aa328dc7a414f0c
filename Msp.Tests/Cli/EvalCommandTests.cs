using System.Text.Json;
using Msp.Core.Evaluation;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>`msp eval predict`, `equivariance` and `sbd` on a tiny run folder: they run, write their files, and fail clearly.</summary>
public sealed class EvalCommandTests
{
    private string _folder = "";

    [OneTimeSetUp]
    public void MakeRun()
    {
        _folder = Directory.CreateTempSubdirectory("msp-eval-cli-").FullName;
        TinyRun.Create(_folder);
    }

    [OneTimeTearDown]
    public void RemoveRun() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Predict_writes_the_error_per_horizon_with_its_baselines()
    {
        var (code, output, error) = CliRunner.Run("eval", "predict", "--run", _folder, "--horizon", "3", "--sequences", "8");
        Assert.That(code, Is.Zero, error);
        string folder = Path.Combine(_folder, "eval", "predict");
        Assert.That(new[] { "eval.json", "eval.csv", "eval.png" }.Select(f => File.Exists(Path.Combine(folder, f))), Is.All.True);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "eval.json")));
        Assert.That(json.RootElement.GetProperty("sequences").GetInt32(), Is.EqualTo(8));
        Assert.That(json.RootElement.GetProperty("model").GetArrayLength(), Is.EqualTo(3));
        Assert.That(json.RootElement.GetProperty("repeat_last").EnumerateArray().Select(v => v.GetDouble()), Is.All.GreaterThan(0));
        Assert.That(output, Does.Contain("repeat-last").And.Contain(folder));
    }

    [Test]
    public void Predict_reads_held_out_digits_from_a_data_root_and_names_a_missing_one()
    {
        string root = Path.Combine(_folder, "mnist-files");
        Directory.CreateDirectory(root);
        // The standard file names of both splits, filled with the shipped digits (gzip IDX, as MNIST is distributed).
        foreach (var (resource, name) in from split in new[] { "train", "t10k" } from kind in new[] { "images-idx3", "labels-idx1" }
                                         select (kind, $"{split}-{kind}-ubyte.gz"))
        {
            using var source = typeof(Msp.Core.Data.MnistDigits).Assembly.GetManifestResourceStream($"Msp.Core.Data.Mnist.mnist-10k-{resource}-ubyte.gz")!;
            using var target = File.Create(Path.Combine(root, name));
            source.CopyTo(target);
        }
        var (code, _, error) = CliRunner.Run("eval", "predict", "--run", _folder, "--horizon", "2", "--sequences", "4", "--data-root", root);
        Assert.That(code, Is.Zero, error);
        var missing = CliRunner.Run("eval", "predict", "--run", _folder, "--data-root", Path.Combine(_folder, "nowhere"));
        Assert.That(missing.Code, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain("nowhere").And.Not.Contain("   at "));
    }

    [Test]
    public void Equivariance_writes_both_errors_with_their_spread()
    {
        var (code, output, error) = CliRunner.Run("eval", "equivariance", "--run", _folder, "--batches", "2");
        Assert.That(code, Is.Zero, error);
        string folder = Path.Combine(_folder, "eval", "equivariance");
        Assert.That(new[] { "eval.json", "eval.csv", "eval.png" }.Select(f => File.Exists(Path.Combine(folder, f))), Is.All.True);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "eval.json")));
        var root = json.RootElement;
        // The tiny config's eval section: T 4, T_cond 2, so horizon 2.
        Assert.That((root.GetProperty("batches").GetInt32(), root.GetProperty("batch_size").GetInt32(), root.GetProperty("conditioning_frames").GetInt32()), Is.EqualTo((2, 32, 2)));
        var own = root.GetProperty("own_m_star");
        var swapped = root.GetProperty("swapped_m_star");
        Assert.That(own.GetProperty("mean").GetArrayLength(), Is.EqualTo(2));
        Assert.That(swapped.GetProperty("std").EnumerateArray().Select(v => v.GetDouble()), Is.All.GreaterThanOrEqualTo(0));
        // An untrained model's M* depends on the sequence, so swapping it changes the prediction.
        Assert.That(swapped.GetProperty("mean")[0].GetDouble(), Is.Not.EqualTo(own.GetProperty("mean")[0].GetDouble()));
        Assert.That(output, Does.Contain("swapped M*"));
    }

    [Test]
    public void A_missing_run_folder_is_a_clear_error()
    {
        foreach (var method in new[] { "predict", "equivariance" })
        {
            var (code, _, error) = CliRunner.Run("eval", method, "--run", Path.Combine(_folder, "missing"));
            Assert.That(code, Is.EqualTo(2), method);
            Assert.That(error, Does.Contain("does not exist").And.Contain("msp train").And.Not.Contain("   at "), method);
        }
    }

    [Test]
    public void Bad_counts_are_usage_errors()
    {
        var (code, _, error) = CliRunner.Run("eval", "predict", "--run", _folder, "--sequences", "0");
        Assert.That((code, error), Is.EqualTo((2, "error: --sequences '0': give a positive number of sequences, or all." + Environment.NewLine)));
        (code, _, error) = CliRunner.Run("eval", "predict", "--run", _folder, "--sequences", "100000");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("has only 180 sequences"));
        (code, _, error) = CliRunner.Run("eval", "equivariance", "--run", _folder, "--horizon", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--horizon 0"));
    }

    [Test]
    public void Sbd_writes_its_json_and_figures_into_the_run_folder()
    {
        var (code, printed, error) = CliRunner.Run("eval", "sbd", "--run", _folder, "--sequences", "40", "--epochs", "3", "--restarts", "2", "--seed", "5");

        Assert.That(code, Is.Zero, error);
        string output = Path.Combine(_folder, "eval", "sbd");
        Assert.That(printed, Does.Contain("Final loss").And.Contain(output));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, BlockDiagonalizationOutput.JsonFileName)));
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("sequences").GetInt32(), Is.EqualTo(40));
            Assert.That(root.GetProperty("loss").GetArrayLength(), Is.EqualTo(3));
            Assert.That(root.GetProperty("restart_losses").GetArrayLength(), Is.EqualTo(2));
            // tiny has dim_a 4: U is 4 × 4 and the blocks cover the four coordinates once each.
            Assert.That(root.GetProperty("change_of_basis").GetArrayLength(), Is.EqualTo(4));
            Assert.That(root.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            Assert.That(root.GetProperty("block_sizes").EnumerateArray().Sum(e => e.GetInt32()), Is.EqualTo(4));
            Assert.That(new FileInfo(Path.Combine(output, BlockDiagonalizationOutput.HeatmapFileName)).Length, Is.GreaterThan(1000));
            Assert.That(new FileInfo(Path.Combine(output, BlockDiagonalizationOutput.LossFileName)).Length, Is.GreaterThan(1000));
            Assert.That(new FileInfo(Path.Combine(output, Disentanglement.FigureFileName)).Length, Is.GreaterThan(1000));
            Assert.That(printed, Does.Contain("rotation").And.Contain("hue").And.Contain("translation"));
        });
    }

    [Test]
    public void Sbd_on_a_folder_without_a_run_is_one_clear_error()
    {
        string empty = Directory.CreateTempSubdirectory("msp-eval-empty-").FullName;
        var (code, _, error) = CliRunner.Run("eval", "sbd", "--run", empty);
        Directory.Delete(empty);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("not a run folder").And.Not.Contain(" at "));
    }

    [Test]
    public void Sbd_rejects_a_threshold_outside_zero_to_one()
    {
        var (code, _, error) = CliRunner.Run("eval", "sbd", "--run", _folder, "--threshold", "1.5");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--threshold"));
    }

    [Test]
    public void Analyses_of_M_are_refused_for_a_model_without_one_and_the_rest_work()
    {
        string folder = Path.Combine(_folder, "neural-trans");
        TinyRun.Create(folder, Msp.Core.Training.ModelKind.NeuralTransition);
        foreach (var command in new[] { new[] { "eval", "equivariance", "--run", folder }, ["eval", "sbd", "--run", folder], ["generate", "--run", folder] })
        {
            var (code, _, error) = CliRunner.Run(command);
            Assert.That(code, Is.EqualTo(2), string.Join(" ", command));
            Assert.That(error, Does.Contain("no transition matrix M"), string.Join(" ", command));
        }
        var (predictCode, _, predictError) = CliRunner.Run("eval", "predict", "--run", folder, "--horizon", "2", "--sequences", "4");
        Assert.That(predictCode, Is.Zero, predictError);
    }

    [Test]
    public void Sbd_reads_Neural_M_star_from_its_conditioning_frames()
    {
        string folder = Path.Combine(_folder, "neuralM");
        TinyRun.Create(folder, Msp.Core.Training.ModelKind.NeuralM);
        var (code, _, error) = CliRunner.Run("eval", "sbd", "--run", folder, "--sequences", "8", "--epochs", "1", "--restarts", "1");
        Assert.That(code, Is.Zero, error);
    }
}
