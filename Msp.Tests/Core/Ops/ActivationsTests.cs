using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class ActivationsTests
{
    private static readonly (string Name, Func<Tensor, Tensor> Op, Func<float, float> Reference)[] Cases =
    [
        ("relu", Activations.Relu, v => MathF.Max(v, 0f)),
        ("sigmoid", Activations.Sigmoid, v => 1f / (1f + MathF.Exp(-v))),
        ("abs", Activations.Abs, MathF.Abs),
    ];

    private static IEnumerable<TestCaseData> OpsAndDevices() =>
        from c in Cases from kind in TestDevices.AllKinds select new TestCaseData(c.Name, kind).SetName($"{c.Name} on {kind}");

    [TestCaseSource(nameof(OpsAndDevices))]
    public void Forward_matches_the_formula(string name, DeviceKind kind)
    {
        var (_, op, reference) = Cases.Single(c => c.Name == name);
        var device = TestDevices.Get(kind);
        using var scope = new TensorScope();
        var data = RandomData.Uniform(37, seed: 1, low: -3, high: 3);
        var y = op(Tensor.FromArray(data, new Shape(37), device)).ToArray();
        TensorAssert.AreClose(data.Select(reference).ToArray(), y, atol: 1e-6, rtol: 1e-6, name);
    }

    [TestCaseSource(nameof(Cases))]
    public void Backward_matches_finite_differences((string Name, Func<Tensor, Tensor> Op, Func<float, float> _) c) =>
        GradCheck.Check(t => c.Op(t[0]), [(RandomData.AwayFromZero(29, seed: 2), [29], true)]);

    [TestCaseSource(nameof(OpsAndDevices))]
    public void Backward_on_each_device_matches_cpu(string name, DeviceKind kind)
    {
        var (_, op, _) = Cases.Single(c => c.Name == name);
        float[] Gradient(IDevice device)
        {
            using var scope = new TensorScope();
            var x = Tensor.FromArray(RandomData.AwayFromZero(41, seed: 3), new Shape(41), device);
            x.RequiresGrad = true;
            var y = op(x);
            Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(41, seed: 4), y.Shape, device));
            return x.Grad!.ToArray();
        }
        TensorAssert.AreClose(Gradient(TestDevices.Cpu), Gradient(TestDevices.Get(kind)), atol: 1e-6, rtol: 1e-5, name);
    }
}
