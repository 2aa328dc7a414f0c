using Msp.Core.Evaluation;
using Msp.Tests.Support;
using SkiaSharp;

namespace Msp.Tests.Cli;

/// <summary>`msp data preview`: a PNG of factor sweeps or sequences at the documented layout, and clear errors.</summary>
public sealed class DataCommandTests : TempFolderTests
{
    [TestCase("3dshapes-small", 6, 15, 32)]
    [TestCase("mnist-bg", 3, 3, 32)]
    public void Preview_writes_one_row_per_factor_or_sequence(string config, int rows, int columns, int side)
    {
        string path = Path.Combine(Folder, "preview.png");
        var (code, output, error) = CliRunner.Run("data", "preview", config, "--out", path, "--sequences", "3");
        Assert.That(code, Is.Zero, error);
        using var image = SKBitmap.Decode(path);
        Assert.That((image.Width, image.Height), Is.EqualTo(ImageGrid.Size(rows, columns, side)));
        Assert.That(output, Does.Contain(path));
    }

    [Test]
    public void A_missing_real_data_set_is_a_clear_error()
    {
        var (code, _, error) = CliRunner.Run("data", "preview", "smallnorb", "--data-root", Path.Combine(Folder, "nowhere"), "--out", Path.Combine(Folder, "p.png"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("nowhere").And.Contain("embedded").And.Not.Contain("   at "));
    }
}
