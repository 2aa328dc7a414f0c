using Msp.Core.Evaluation;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>`msp report` on a tiny run folder: the page names what is missing, then embeds each evaluation once it exists.</summary>
public sealed class ReportCommandTests
{
    private string _folder = "";

    [SetUp]
    public void MakeRun()
    {
        _folder = Directory.CreateTempSubdirectory("msp-report-cli-").FullName;
        TinyRun.Create(_folder);
    }

    [TearDown]
    public void RemoveRun() => Directory.Delete(_folder, recursive: true);

    private string Report => File.ReadAllText(Path.Combine(_folder, RunReport.FileName));

    [Test]
    public void A_fresh_run_gets_a_page_that_names_the_commands_still_to_run()
    {
        var (code, output, error) = CliRunner.Run("report", "--run", _folder);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("not computed yet").And.Contain("equivariance"));
        Assert.That(Report, Does.Contain("msp eval equivariance --run").And.Contain("msp eval sbd --run").And.Contain("msp generate --run")
            .And.Contain("SeqAELSTSQ"));
    }

    [Test]
    public void Evaluations_in_the_folder_appear_with_their_figures_embedded()
    {
        Assert.That(CliRunner.Run("eval", "predict", "--run", _folder, "--horizon", "2", "--sequences", "8").Code, Is.Zero);
        Assert.That(CliRunner.Run("eval", "equivariance", "--run", _folder, "--horizon", "2", "--batches", "1").Code, Is.Zero);
        var (code, output, error) = CliRunner.Run("report", "--run", _folder);
        Assert.That(code, Is.Zero, error);
        Assert.Multiple(() =>
        {
            Assert.That(Report, Does.Contain("<table>").And.Contain("repeat last").And.Contain("At horizon 1: own M*"));
            Assert.That(Report, Does.Contain("data:image/png;base64,"));
            Assert.That(Report, Does.Not.Contain("msp eval equivariance --run"));
            Assert.That(output, Does.Contain("block diagonalisation"));
        });
    }

    [Test]
    public void A_folder_without_a_run_is_a_clear_error()
    {
        string empty = Directory.CreateTempSubdirectory("msp-report-empty-").FullName;
        var (code, _, error) = CliRunner.Run("report", "--run", empty);
        Directory.Delete(empty);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("not a run folder").And.Not.Contain("   at "));
    }
}
