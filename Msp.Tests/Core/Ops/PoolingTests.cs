using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class PoolingTests
{
    [Test]
    public void AvgPool2_averages_each_two_by_two_block()
    {
        int[] dims = [2, 3, 6, 10];
        var x = RandomData.Uniform(2 * 3 * 6 * 10, seed: 91);
        using var scope = new TensorScope();
        var y = Pooling.AvgPool2(Tensor.FromArray(x, new Shape(dims), TestDevices.Cpu));
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 3, 3, 5)));
        var expected = new float[y.Size];
        for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++)
                {
                    double sum = 0;
                    for (int di = 0; di < 2; di++)
                        for (int dj = 0; dj < 2; dj++)
                            sum += x[(plane * 6 + 2 * i + di) * 10 + 2 * j + dj];
                    expected[(plane * 3 + i) * 5 + j] = (float)(sum / 4);
                }
        // Four floats summed in float: at most a few ulps from the double mean.
        TensorAssert.AreClose(expected, y.ToArray(), atol: 1e-6, rtol: 1e-6, "avg pool");
    }

    [Test]
    public void Upsample2_copies_each_value_into_its_block()
    {
        var x = RandomData.Uniform(2 * 3 * 3 * 5, seed: 92);
        using var scope = new TensorScope();
        var y = Pooling.Upsample2(Tensor.FromArray(x, new Shape(2, 3, 3, 5), TestDevices.Cpu));
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 3, 6, 10)));
        var expected = new float[y.Size];
        for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 10; j++)
                    expected[(plane * 6 + i) * 10 + j] = x[(plane * 3 + i / 2) * 5 + j / 2];
        Assert.That(y.ToArray(), Is.EqualTo(expected).AsCollection);
    }

    private static readonly (string Name, Func<Tensor, Tensor> Op, int[] Dims)[] Cases =
    [
        ("avg pool", Pooling.AvgPool2, [2, 3, 4, 6]),
        ("upsample", Pooling.Upsample2, [2, 3, 3, 5]),
    ];

    [TestCaseSource(nameof(Cases))]
    public void Backward_matches_finite_differences((string Name, Func<Tensor, Tensor> Op, int[] Dims) c) =>
        GradCheck.Check(t => c.Op(t[0]), [(RandomData.Uniform(new Shape(c.Dims).Size, seed: 93), c.Dims, true)]);

    private static IEnumerable<TestCaseData> CasesAndDevices() =>
        from c in Cases from kind in TestDevices.AllKinds select new TestCaseData(c.Name, kind).SetName($"{c.Name} on {kind}");

    [TestCaseSource(nameof(CasesAndDevices))]
    public void Forward_and_backward_on_each_device_match_cpu(string name, DeviceKind kind)
    {
        var (_, op, dims) = Cases.Single(c => c.Name == name);
        (float[] Y, float[] Grad) Run(IDevice device)
        {
            using var scope = new TensorScope();
            var x = Tensor.FromArray(RandomData.Uniform(new Shape(dims).Size, seed: 94), new Shape(dims), device);
            x.RequiresGrad = true;
            var y = op(x);
            var values = y.ToArray();
            // Backward twice: the second pass must add to the first, not overwrite it.
            var seed = Tensor.FromArray(RandomData.Uniform(y.Size, seed: 95), y.Shape, device);
            Tape.Backward(op(x), seed);
            Tape.Backward(op(x), seed);
            return (values, x.Grad!.ToArray());
        }
        var expected = Run(TestDevices.Cpu);
        var actual = Run(TestDevices.Get(kind));
        // Same operations in the same order on every device.
        TensorAssert.AreClose(expected.Y, actual.Y, atol: 1e-7, rtol: 1e-6, name);
        TensorAssert.AreClose(expected.Grad, actual.Grad, atol: 1e-7, rtol: 1e-6, name + " grad");
    }

    [Test]
    public void AvgPool2_rejects_odd_sizes_and_other_ranks()
    {
        using var scope = new TensorScope();
        var error = Assert.Throws<ArgumentException>(() => Pooling.AvgPool2(Tensor.Zeros(new Shape(1, 2, 5, 4), TestDevices.Cpu)));
        Assert.That(error!.Message, Does.Contain("AvgPool2").And.Contain("[1, 2, 5, 4]"));
        Assert.Throws<ArgumentException>(() => Pooling.AvgPool2(Tensor.Zeros(new Shape(2, 4, 4), TestDevices.Cpu)));
        Assert.Throws<ArgumentException>(() => Pooling.Upsample2(Tensor.Zeros(new Shape(2, 4, 4), TestDevices.Cpu)));
    }
}
