using System.Text.Json;
using Msp.Core.Evaluation;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>`msp eval sbd` on a run folder of the tiny config: it writes its three files and reports its blocks.</summary>
public sealed class EvalCommandTests
{
    private string _folder = "";

    [SetUp]
    public void MakeFolder() => _folder = Directory.CreateTempSubdirectory("msp-eval-cli-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Sbd_writes_its_json_and_figures_into_the_run_folder()
    {
        var config = ConfigLibrary.Load("tiny");
        using (var trainer = new Trainer(config, TestDevices.Cpu, TrainingData.Create(config, dataRoot: null).Train))
        {
            RunDirectory.Prepare(_folder, config.Text, resume: false);
            trainer.TrainStep();
            trainer.SaveCheckpoint(_folder);
        }

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
        });
    }

    [Test]
    public void Sbd_on_a_folder_without_a_run_is_one_clear_error()
    {
        var (code, _, error) = CliRunner.Run("eval", "sbd", "--run", _folder);
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
}
