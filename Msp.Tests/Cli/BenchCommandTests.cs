using Msp.Tests.Support;

namespace Msp.Tests.Cli;

public sealed class BenchCommandTests
{
    [Test]
    public void Times_a_training_step_and_a_forward_per_width()
    {
        var (code, output, error) = CliRunner.Run("bench", "--k", "0.25", "--batch", "2", "--warmup", "0", "--repeats", "1", "--no-ops");
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("train step (ms)").And.Contain("0.25"));
    }

    [Test]
    public void A_profile_takes_the_step_apart_by_op()
    {
        var (code, output, error) = CliRunner.Run("bench", "--k", "0.25", "--batch", "2", "--warmup", "0", "--repeats", "1", "--no-ops", "--profile");
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("profile k = 0.25").And.Contain("Conv2d.Forward").And.Contain("GroupNorm.Normalize"));
    }

    [Test]
    public void A_width_without_channels_is_a_usage_error()
    {
        var (code, _, error) = CliRunner.Run("bench", "--k", "0.01");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--k '0.01'"));
    }
}
