using Msp.Core.Evaluation;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>`msp compare` on tiny models: it trains a config, takes run folders, and writes one table and two figures.</summary>
public sealed class CompareCommandTests : TempFolderTests
{
    [Test]
    public void It_trains_a_config_takes_trained_runs_and_compares_them_all()
    {
        string neuralM = Path.Combine(Folder, "neuralM"), neuralTransition = Path.Combine(Folder, "neural-trans"), output = Path.Combine(Folder, "compare");
        TinyRun.Create(neuralM, ModelKind.NeuralM);
        TinyRun.Create(neuralTransition, ModelKind.NeuralTransition);
        var (code, text, error) = CliRunner.Run("compare", "--configs", $"tiny,{neuralM},{neuralTransition}", "--out", output,
            "--steps", "2", "--horizon", "2", "--batches", "1");
        Assert.That(code, Is.Zero, error);
        Assert.That(File.Exists(Path.Combine(output, "tiny", Checkpoint.ModelFileName)), Is.True, "the config was trained into OUT/tiny");
        Assert.That(new[] { ModelComparison.TableFileName, ModelComparison.TextFileName, ModelComparison.PredictionFigureFileName, ModelComparison.EquivarianceFigureFileName }
            .Select(f => File.Exists(Path.Combine(output, f))), Is.All.True);
        var rows = File.ReadAllLines(Path.Combine(output, ModelComparison.TableFileName));
        Assert.That(rows, Has.Length.EqualTo(1 + 3 * 2), "a header and one row per model and horizon");
        var neuralTransitionRow = rows.Single(r => r.StartsWith("neural-trans,SeqAENeuralTransition,2,", StringComparison.Ordinal));
        Assert.That(neuralTransitionRow, Does.EndWith(",,"), "no equivariance error for a model without M");
        Assert.That(rows.Single(r => r.StartsWith("neuralM,SeqAENeuralM,2,", StringComparison.Ordinal)).Split(',')[^1], Is.Not.Empty);
        Assert.That(text, Does.Contain("SeqAELSTSQ").And.Contain("n/a: neural-trans: no transition matrix M"));

        // Run again: the trained config is taken as it is, not retrained.
        var (again, secondText, secondError) = CliRunner.Run("compare", "--configs", $"tiny,{neuralM}", "--out", output, "--horizon", "2", "--batches", "1");
        Assert.That(again, Is.Zero, secondError);
        Assert.That(secondText, Does.Contain($"taking the trained run {Path.Combine(output, "tiny")}"));
    }

    [Test]
    public void A_folder_that_is_not_a_run_is_refused()
    {
        var (code, _, error) = CliRunner.Run("compare", "--configs", Folder, "--out", Path.Combine(Folder, "out"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("not a run folder"));
    }
}
