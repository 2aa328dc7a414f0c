using Msp.Core.Layers;
using Msp.Core.Tensors;

namespace Msp.Tests.Core.Layers;

public sealed class InitTests
{
    /// <summary>U(−b, b) has mean 0, variance b²/3 and stays inside ±b: checks a draw against its bound.</summary>
    private static void AssertUniform(float[] values, double bound, string what)
    {
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        double expectedVariance = bound * bound / 3;
        Assert.Multiple(() =>
        {
            Assert.That(values.Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(bound), what + ": range");
            Assert.That(values.Max(v => Math.Abs(v)), Is.GreaterThan(0.95 * bound), what + ": fills the range");
            // With tens of thousands of draws the sample moments sit within a few per cent of the truth.
            Assert.That(mean, Is.EqualTo(0).Within(0.02 * bound), what + ": mean");
            Assert.That(variance, Is.EqualTo(expectedVariance).Within(0.03 * expectedVariance), what + ": variance");
        });
    }

    [Test]
    public void Xavier_uniform_uses_fan_in_and_fan_out_with_the_receptive_field()
    {
        // Conv weight [out 64, in 32, 3, 3]: fan_in = 288, fan_out = 576; gain √2 as the reference's residual convs.
        var values = Init.XavierUniform(new Rng(1), new Shape(64, 32, 3, 3), MathF.Sqrt(2));
        AssertUniform(values, Math.Sqrt(2) * Math.Sqrt(6.0 / (288 + 576)), "xavier");
    }

    [Test]
    public void PyTorch_defaults_are_uniform_within_one_over_root_fan_in()
    {
        AssertUniform(Init.KaimingUniformDefault(new Rng(2), new Shape(256, 200)), 1 / Math.Sqrt(200), "kaiming(a=√5)");
        AssertUniform(Init.BiasDefault(new Rng(3), 40000, 50), 1 / Math.Sqrt(50), "bias");
    }

    [Test]
    public void The_same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        var shape = new Shape(8, 4);
        var first = Init.XavierUniform(new Rng(4), shape, 1f);
        var again = Init.XavierUniform(new Rng(4), shape, 1f);
        var other = Init.XavierUniform(new Rng(5), shape, 1f);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Xavier_needs_a_matrix_or_more()
    {
        Assert.That(() => Init.XavierUniform(new Rng(1), new Shape(5), 1f), Throws.ArgumentException.With.Message.Contains("rank"));
    }
}
