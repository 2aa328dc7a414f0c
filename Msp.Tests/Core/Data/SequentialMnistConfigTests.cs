using Msp.Core.Data;

namespace Msp.Tests.Core.Data;

public sealed class SequentialMnistConfigTests
{
    [Test]
    public void Defaults_are_the_reference_constructor_defaults()
    {
        var config = new SequentialMnistConfig();
        Assert.That((config.FrameCount, config.MaxFrameCount), Is.EqualTo((3, 9)));
        Assert.That(config.AngleVelocityRatio, Is.EqualTo(new Interval(-0.5, 0.5)));
        Assert.That(config.ColorVelocityRatio, Is.EqualTo(new Interval(-0.5, 0.5)));
        Assert.That(config.AngleAccelerationRatio, Is.EqualTo(new Interval(0, 0)));
        Assert.That(config.ColorAccelerationRatio, Is.EqualTo(new Interval(0, 0)));
        Assert.That(config.Position, Is.EqualTo(new Interval(-10, 10)));
        Assert.That(config.TranslationAcceleration, Is.EqualTo(new Interval(0, 0)));
        Assert.That(config.ActiveActions, Is.EqualTo(SequenceActions.All));
        Assert.That((config.OnlyUseDigit4, config.SharedTransition), Is.EqualTo((false, false)));
        Assert.DoesNotThrow(config.Validate);
    }

    private static IEnumerable<TestCaseData> InvalidConfigs()
    {
        yield return new TestCaseData(new SequentialMnistConfig { FrameCount = 0 }, "FrameCount (T)");
        yield return new TestCaseData(new SequentialMnistConfig { MaxFrameCount = 1 }, "MaxFrameCount (max_T)");
        yield return new TestCaseData(new SequentialMnistConfig { Position = new Interval(5, -5) }, "Position (max_pos)");
        yield return new TestCaseData(new SequentialMnistConfig { AngleVelocityRatio = new Interval(double.NaN, 1) },
            "AngleVelocityRatio (max_angle_velocity_ratio)");
        yield return new TestCaseData(new SequentialMnistConfig { ColorAccelerationRatio = new Interval(0, double.PositiveInfinity) },
            "ColorAccelerationRatio (max_color_accl_ratio)");
        yield return new TestCaseData(new SequentialMnistConfig { ActiveActions = (SequenceActions)8 }, "ActiveActions (active_actions)");
    }

    [TestCaseSource(nameof(InvalidConfigs))]
    public void Validate_names_the_bad_setting_and_its_reference_key(SequentialMnistConfig config, string named)
    {
        var error = Assert.Throws<ArgumentException>(config.Validate)!;
        Assert.That(error.Message, Does.Contain(named));
    }
}
