using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class ElementwiseTests
{
    private static readonly (string Name, Func<Tensor[], Tensor> Op, Func<float, float, float> Reference)[] Cases =
    [
        ("add", t => Elementwise.Add(t[0], t[1]), (a, b) => a + b),
        ("subtract", t => Elementwise.Subtract(t[0], t[1]), (a, b) => a - b),
        ("scale", t => Elementwise.Scale(t[0], -2.5f), (a, _) => -2.5f * a),
    ];

    private static readonly int[] Dims = [3, 5, 7];

    private static IEnumerable<TestCaseData> Names() => Cases.Select(c => new TestCaseData(c.Name).SetName(c.Name));

    private static IEnumerable<TestCaseData> NamesAndDevices() =>
        from c in Cases from kind in TestDevices.AllKinds select new TestCaseData(c.Name, kind).SetName($"{c.Name} on {kind}");

    [TestCaseSource(nameof(NamesAndDevices))]
    public void Forward_matches_the_formula(string name, DeviceKind kind)
    {
        var (_, op, reference) = Cases.Single(c => c.Name == name);
        var device = TestDevices.Get(kind);
        using var scope = new TensorScope();
        var a = RandomData.Uniform(105, seed: 1);
        var b = RandomData.Uniform(105, seed: 2);
        var y = op([Tensor.FromArray(a, new Shape(Dims), device), Tensor.FromArray(b, new Shape(Dims), device)]).ToArray();
        Assert.That(y, Is.EqualTo(a.Zip(b, reference).ToArray()).AsCollection);
    }

    [TestCaseSource(nameof(Names))]
    public void Backward_matches_finite_differences(string name)
    {
        var (_, op, _) = Cases.Single(c => c.Name == name);
        GradCheck.Check(op, [(RandomData.Uniform(105, seed: 3), Dims, true), (RandomData.Uniform(105, seed: 4), Dims, true)]);
    }

    [TestCaseSource(nameof(NamesAndDevices))]
    public void Backward_on_each_device_matches_cpu(string name, DeviceKind kind)
    {
        var (_, op, _) = Cases.Single(c => c.Name == name);
        float[][] Gradients(IDevice device)
        {
            using var scope = new TensorScope();
            var a = RandomData.Tensor(device, 5, Dims);
            var b = RandomData.Tensor(device, 6, Dims);
            a.RequiresGrad = b.RequiresGrad = true;
            var y = op([a, b]);
            Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(y.Size, seed: 7), y.Shape, device));
            return [a.Grad!.ToArray(), b.Grad?.ToArray() ?? []];
        }
        var expected = Gradients(TestDevices.Cpu);
        var actual = Gradients(TestDevices.Get(kind));
        Assert.That(actual[0], Is.EqualTo(expected[0]).AsCollection, "d/da");
        Assert.That(actual[1], Is.EqualTo(expected[1]).AsCollection, "d/db");
    }

    [Test]
    public void Shapes_that_differ_are_rejected_naming_both()
    {
        using var scope = new TensorScope();
        var a = Tensor.Zeros(new Shape(2, 3), TestDevices.Cpu);
        var b = Tensor.Zeros(new Shape(3, 2), TestDevices.Cpu);
        Assert.That(() => Elementwise.Add(a, b), Throws.ArgumentException.With.Message.Contains("[2, 3]").And.Message.Contains("[3, 2]"));
    }
}
