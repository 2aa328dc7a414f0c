using System.Text.Json;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>
/// A tiny network on the 3DShapes stand-in at 16×16: `msp train` trains and evaluates it, and `msp eval sbd` measures
/// the disentanglement over 3DShapes' own moving factors (not Sequential MNIST's); equivariance and generate work on it.
/// </summary>
public sealed class FactorDatasetRunTests
{
    private const string Config = """
        batchsize: 4
        seed: 1
        max_iteration: 2
        report_freq: 1
        model_snapshot_freq: 2
        manager_snapshot_freq: 2
        T_cond: 2
        T_pred: 1
        lr: 0.001
        train_data:
          name: ThreeDimShapesDataset
          args:
            root: embedded
            T: 3
            image_size: 16
        model:
          name: SeqAELSTSQ
          args:
            dim_m: 8
            dim_a: 4
            k: 0.125
            bottom_width: 2
        training_loop:
          name: loop_seqmodel
          args:
            lr_decay_iter: 4
        eval:
          T: 4
          T_cond: 2
          batchsize: 16
        """;

    private string _folder = "";

    [OneTimeSetUp]
    public void MakeRun()
    {
        _folder = Directory.CreateTempSubdirectory("msp-3dshapes-run-").FullName;
        string config = Path.Combine(_folder, "tiny-3dshapes.yml");
        File.WriteAllText(config, Config);
        var (code, output, error) = CliRunner.Run("train", "--config", config, "--out", Path.Combine(_folder, "run"));
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("500 held-out sequences"));
    }

    [OneTimeTearDown]
    public void RemoveRun() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Sbd_reports_the_disentanglement_of_the_3dshapes_factors()
    {
        string run = Path.Combine(_folder, "run");
        var (code, printed, error) = CliRunner.Run("eval", "sbd", "--run", run, "--sequences", "16", "--epochs", "2", "--restarts", "1");
        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval", "sbd", "disentanglement.json")));
        var factors = json.RootElement.GetProperty("factors").EnumerateArray().Select(f => f.GetString()).ToArray();
        Assert.That(factors, Is.EqualTo(new[] { "floor_hue", "wall_hue", "object_hue", "scale", "orientation" }));
        Assert.That(printed, Does.Contain("floor_hue"));
    }

    [Test]
    public void Equivariance_and_generate_draw_batches_that_share_one_factor_velocity()
    {
        string run = Path.Combine(_folder, "run");
        var (code, _, error) = CliRunner.Run("eval", "equivariance", "--run", run, "--batches", "1");
        Assert.That(code, Is.Zero, error);
        (code, _, error) = CliRunner.Run("generate", "--run", run, "--sequences", "2");
        Assert.That(code, Is.Zero, error);
        Assert.That(File.Exists(Path.Combine(run, "eval", "generate", "sequence_1.png")));
    }

    [Test]
    public void The_run_evaluates_on_frames_of_the_configured_size()
    {
        var config = ConfigReader.Parse(File.ReadAllText(Path.Combine(_folder, "run", "config.yml")), "config.yml");
        Assert.That(config.Model.Network.ImageSize, Is.EqualTo(16));
        var (code, _, error) = CliRunner.Run("eval", "predict", "--run", Path.Combine(_folder, "run"), "--sequences", "8");
        Assert.That(code, Is.Zero, error);
    }
}
