using Msp.Core.Evaluation;
using Msp.Tests.Support;
using SkiaSharp;

namespace Msp.Tests.Cli;

/// <summary>`msp generate` on a tiny run folder: one grid PNG per sequence, of the documented layout.</summary>
public sealed class GenerateCommandTests
{
    private string _folder = "";

    [OneTimeSetUp]
    public void MakeRun()
    {
        _folder = Directory.CreateTempSubdirectory("msp-generate-cli-").FullName;
        TinyRun.Create(_folder);
    }

    [OneTimeTearDown]
    public void RemoveRun() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Writes_one_grid_per_sequence_of_three_rows_by_T_frames()
    {
        var (code, output, error) = CliRunner.Run("generate", "--run", _folder, "--sequences", "3", "--horizon", "4");
        Assert.That(code, Is.Zero, error);
        string folder = Path.Combine(_folder, "eval", "generate");
        Assert.That(Directory.GetFiles(folder, "*.png").Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "sequence_0.png", "sequence_1.png", "sequence_2.png" }));
        using var image = SKBitmap.Decode(Path.Combine(folder, "sequence_0.png"));
        // Rows: ground truth, own M*, swapped M*; columns: the tiny config's 2 conditioning frames + the 4 predicted.
        Assert.That((image.Width, image.Height), Is.EqualTo(ImageGrid.Size(3, 6, 32)));
        Assert.That(output, Does.Contain("3 sequences").And.Contain(folder));
    }

    [Test]
    public void Fewer_than_two_sequences_or_a_missing_run_is_a_clear_error()
    {
        var (code, _, error) = CliRunner.Run("generate", "--run", _folder, "--sequences", "1");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("at least 2"));
        (code, _, error) = CliRunner.Run("generate", "--run", Path.Combine(_folder, "missing"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("does not exist").And.Not.Contain("   at "));
    }
}
