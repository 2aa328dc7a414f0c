using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class LossesTests
{
    [Test]
    public void Sum_squared_error_matches_the_sum_in_double()
    {
        var prediction = RandomData.Uniform(2 * 3 * 8 * 8, seed: 71, low: 0f, high: 1f);
        var target = RandomData.Uniform(prediction.Length, seed: 72, low: 0f, high: 1f);
        using var scope = new TensorScope();
        var shape = new Shape(2, 3, 8, 8);
        var loss = Losses.SumSquaredError(Tensor.FromArray(prediction, shape, TestDevices.Cpu), Tensor.FromArray(target, shape, TestDevices.Cpu));
        double expected = prediction.Zip(target, (p, t) => ((double)p - t) * ((double)p - t)).Sum();
        Assert.That(loss.Shape, Is.EqualTo(new Shape()));
        // 384 squares of at most 1 summed in float: well under 1e-5 relative.
        Assert.That(loss.Item(), Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void Backward_matches_finite_differences() =>
        GradCheck.Check(t => Losses.SumSquaredError(t[0], t[1]),
            [(RandomData.Uniform(30, seed: 73), [2, 3, 5], true), (RandomData.Uniform(30, seed: 74), [2, 3, 5], true)]);

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void Forward_and_backward_on_each_device_match_cpu(DeviceKind kind)
    {
        (float Loss, float[] PredictionGrad, float[] TargetGrad) Run(IDevice device)
        {
            using var scope = new TensorScope();
            var shape = new Shape(3, 3, 7, 5);
            var prediction = Tensor.FromArray(RandomData.Uniform(shape.Size, seed: 75), shape, device);
            var target = Tensor.FromArray(RandomData.Uniform(shape.Size, seed: 76), shape, device);
            prediction.RequiresGrad = target.RequiresGrad = true;
            var loss = Losses.SumSquaredError(prediction, target);
            float value = loss.Item();
            Tape.Backward(loss);
            return (value, prediction.Grad!.ToArray(), target.Grad!.ToArray());
        }
        var expected = Run(TestDevices.Cpu);
        var actual = Run(TestDevices.Get(kind));
        // Summation order differs between devices; the gradient 2(p − t) is one multiply, exact up to an ulp.
        Assert.That(actual.Loss, Is.EqualTo(expected.Loss).Within(1e-5 * expected.Loss));
        TensorAssert.AreClose(expected.PredictionGrad, actual.PredictionGrad, atol: 1e-6, rtol: 1e-6, "prediction grad");
        TensorAssert.AreClose(expected.TargetGrad, actual.TargetGrad, atol: 1e-6, rtol: 1e-6, "target grad");
    }

    [Test]
    public void Rejects_shapes_that_differ()
    {
        using var scope = new TensorScope();
        var error = Assert.Throws<ArgumentException>(() => Losses.SumSquaredError(Tensor.Zeros(new Shape(2, 3), TestDevices.Cpu),
            Tensor.Zeros(new Shape(3, 2), TestDevices.Cpu)));
        Assert.That(error!.Message, Does.Contain("SumSquaredError").And.Contain("[2, 3]"));
    }
}
