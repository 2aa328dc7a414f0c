using Msp.Core.Devices;
using Msp.Core.Optim;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Optim;

public sealed class AdamTests
{
    /// <summary>torch.optim.Adam's update for one scalar, in double: the formula the fused kernel must follow.</summary>
    private static void ReferenceAdam(double[] p, double[] m, double[] v, float[] g, int step, double lr)
    {
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int i = 0; i < p.Length; i++)
        {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.Pow(beta1, step)), vHat = v[i] / (1 - Math.Pow(beta2, step));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void Several_steps_follow_the_torch_formula(DeviceKind kind)
    {
        var device = TestDevices.Get(kind);
        const int count = 37; // not a multiple of the SIMD width: the scalar tail runs too
        var initial = RandomData.Uniform(count, seed: 1);
        var parameter = Tensor.FromArray(initial, new Shape(count), device);
        using var adam = new Adam([("w", parameter)]);
        double[] p = initial.Select(x => (double)x).ToArray(), m = new double[count], v = new double[count];
        for (int step = 1; step <= 5; step++)
        {
            // Gradients of mixed sizes, some tiny, so ε and the bias corrections both matter.
            var grad = RandomData.Uniform(count, seed: 10 + step).Select((x, i) => i % 5 == 0 ? x * 1e-6f : x).ToArray();
            parameter.GradForAccumulation().CopyFrom(grad);
            double lr = step < 4 ? 1e-2 : 1e-2 / 3;
            adam.Step(lr);
            ReferenceAdam(p, m, v, grad, step, lr);
        }
        TensorAssert.AreClose(p.Select(x => (float)x).ToArray(), parameter.ToArray(), atol: 1e-6, rtol: 1e-5, "after 5 steps");
        parameter.Dispose();
    }

    [Test]
    public void A_parameter_without_a_gradient_is_left_alone()
    {
        var withGrad = Tensor.FromArray([1f, 2f], new Shape(2), TestDevices.Cpu);
        var without = Tensor.FromArray([3f, 4f], new Shape(2), TestDevices.Cpu);
        using var adam = new Adam([("a", withGrad), ("b", without)]);
        withGrad.GradForAccumulation().CopyFrom([1f, -1f]);
        adam.Step(0.1);
        Assert.Multiple(() =>
        {
            // The first Adam step moves every coordinate by lr·sign(g) (up to ε).
            Assert.That(withGrad.ToArray(), Is.EqualTo(new[] { 0.9f, 2.1f }).Within(1e-6));
            Assert.That(without.ToArray(), Is.EqualTo(new[] { 3f, 4f }));
        });
        withGrad.Dispose();
        without.Dispose();
    }

    [Test]
    public void Sgd_steps_against_the_gradient()
    {
        var parameter = Tensor.FromArray([1f, 2f, 3f], new Shape(3), TestDevices.Cpu);
        parameter.GradForAccumulation().CopyFrom([1f, -2f, 0.5f]);
        new Sgd([("w", parameter)]).Step(0.5);
        Assert.That(parameter.ToArray(), Is.EqualTo(new[] { 0.5f, 3f, 2.75f }));
        parameter.Dispose();
    }

    [Test]
    public void Bad_settings_are_rejected_with_the_reason()
    {
        var parameter = Tensor.FromArray([1f], new Shape(1), TestDevices.Cpu);
        Assert.Multiple(() =>
        {
            Assert.That(() => new Adam([("w", parameter)], beta1: 1.0), Throws.ArgumentException.With.Message.Contains("betas"));
            Assert.That(() => new Adam([("w", parameter), ("w2", parameter)]), Throws.ArgumentException.With.Message.Contains("same tensor"));
            using var adam = new Adam([("w", parameter)]);
            Assert.That(() => adam.Step(double.NaN), Throws.ArgumentException.With.Message.Contains("learning rate"));
            Assert.That(() => new Sgd([("w", parameter)]).Step(-1), Throws.ArgumentException.With.Message.Contains("learning rate"));
        });
        parameter.Dispose();
    }
}
