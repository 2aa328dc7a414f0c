using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Optim;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Optim;

/// <summary>
/// The runtime end to end: linear → ReLU → linear, trained with Adam on a fixed regression problem, must fit it —
/// tape, every backward, the optimizer and the buffer pool working together, on each device.
/// </summary>
public sealed class TwoLayerRegressionTests
{
    private const int Samples = 48, Inputs = 5, Hidden = 24, Outputs = 3, Steps = 80;

    private static (float[] X, float[] Y) Problem()
    {
        // Targets from a fixed linear map plus a kink (|x0|), which a ReLU network represents exactly.
        var x = RandomData.Uniform(Samples * Inputs, seed: 3);
        var a = RandomData.Uniform(Outputs * Inputs, seed: 4);
        var y = new float[Samples * Outputs];
        for (int n = 0; n < Samples; n++)
            for (int o = 0; o < Outputs; o++)
            {
                float sum = MathF.Abs(x[n * Inputs]);
                for (int i = 0; i < Inputs; i++)
                    sum += a[o * Inputs + i] * x[n * Inputs + i];
                y[n * Outputs + o] = sum;
            }
        return (x, y);
    }

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void Adam_drives_the_loss_down_a_hundredfold(DeviceKind kind)
    {
        var device = TestDevices.Get(kind);
        var rng = new Rng(5);
        using var first = new LinearLayer(device, rng, Inputs, Hidden);
        using var second = new LinearLayer(device, rng, Hidden, Outputs);
        var parameters = first.NamedParameters("first.").Concat(second.NamedParameters("second.")).ToList();
        using var adam = new Adam(parameters);
        var (xData, yData) = Problem();
        using var x = Tensor.FromArray(xData, new Shape(Samples, Inputs), device);
        using var target = Tensor.FromArray(yData, new Shape(Samples, Outputs), device);

        var losses = new List<float>();
        for (int step = 0; step < Steps; step++)
        {
            using var scope = new TensorScope();
            first.ZeroGrad();
            second.ZeroGrad();
            var prediction = second.Forward(Activations.Relu(first.Forward(x)));
            var loss = Elementwise.Scale(Losses.SumSquaredError(prediction, target), 1f / Samples);
            Tape.Backward(loss);
            losses.Add(loss.Item());
            adam.Step(step < 60 ? 3e-2 : 1e-2);
        }
        TestContext.Out.WriteLine($"loss {losses[0]:G4} → {losses[^1]:G4}");
        Assert.That(losses[^1], Is.LessThan(losses[0] / 100), $"loss went from {losses[0]} to {losses[^1]}");
    }
}
