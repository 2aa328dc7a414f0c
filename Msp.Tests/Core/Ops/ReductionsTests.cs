using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class ReductionsTests
{
    private static readonly (string Name, Func<Tensor, Tensor> Op, Func<float[], double> Reference)[] Cases =
    [
        ("sum", Reductions.Sum, x => x.Sum(v => (double)v)),
        ("mean", Reductions.Mean, x => x.Sum(v => (double)v) / x.Length),
        ("sum of squares", Reductions.SumOfSquares, x => x.Sum(v => (double)v * v)),
    ];

    // One element, a part chunk, exactly one chunk (4096), one float more, and 25 chunks (two levels of partial sums).
    private static readonly int[] Sizes = [1, 7, 4096, 4097, 100_000];

    private static IEnumerable<TestCaseData> CasesAndSizes() =>
        from c in Cases from size in Sizes select new TestCaseData(c.Name, size).SetName($"{c.Name} of {size}");

    [TestCaseSource(nameof(CasesAndSizes))]
    public void Matches_the_sum_in_double(string name, int size)
    {
        var (_, op, reference) = Cases.Single(c => c.Name == name);
        var data = RandomData.Uniform(size, seed: 61);
        using var scope = new TensorScope();
        var y = op(Tensor.FromArray(data, new Shape(size), TestDevices.Cpu));
        Assert.That(y.Shape, Is.EqualTo(new Shape()));
        // Each float add errs by ≤ 6e-8 relative and a value passes through ≤ ~520 adds (8 lanes per 4096-chunk, then the
        // partial sums), so the error stays under 520·6e-8 times the same reduction of |x|.
        double bound = 520 * 6e-8 * reference(data.Select(MathF.Abs).ToArray());
        Assert.That(y.Item(), Is.EqualTo(reference(data)).Within(bound));
    }

    [Test]
    public void Sum_of_an_empty_tensor_is_zero()
    {
        using var scope = new TensorScope();
        Assert.That(Reductions.Sum(Tensor.Zeros(new Shape(3, 0), TestDevices.Cpu)).Item(), Is.Zero);
    }

    [Test]
    public void Sum_of_a_scalar_is_the_scalar()
    {
        using var scope = new TensorScope();
        Assert.That(Reductions.Sum(Tensor.Scalar(2.5f, TestDevices.Cpu)).Item(), Is.EqualTo(2.5f));
    }

    [TestCaseSource(nameof(Cases))]
    public void Backward_matches_finite_differences((string Name, Func<Tensor, Tensor> Op, Func<float[], double> _) c) =>
        GradCheck.Check(t => c.Op(t[0]), [(RandomData.Uniform(35, seed: 62), [5, 7], true)]);

    private static IEnumerable<TestCaseData> CasesAndDevices() =>
        from c in Cases from kind in TestDevices.AllKinds select new TestCaseData(c.Name, kind).SetName($"{c.Name} on {kind}");

    [TestCaseSource(nameof(CasesAndDevices))]
    public void Forward_and_backward_on_each_device_match_cpu(string name, DeviceKind kind)
    {
        var (_, op, _) = Cases.Single(c => c.Name == name);
        (float Value, float[] Grad) Run(IDevice device)
        {
            using var scope = new TensorScope();
            // 9001 floats: three chunks, the last one partial.
            var x = Tensor.FromArray(RandomData.Uniform(9001, seed: 63), new Shape(9001), device);
            x.RequiresGrad = true;
            var y = op(x);
            float value = y.Item();
            Tape.Backward(Elementwise.Scale(y, 0.5f));
            return (value, x.Grad!.ToArray());
        }
        var (expectedValue, expectedGrad) = Run(TestDevices.Cpu);
        var (value, grad) = Run(TestDevices.Get(kind));
        // A tree over 32 threads against 8-lane vectors: round-off of a sum of |x| ≈ 4500 (resp. Σx² ≈ 3000).
        Assert.That(value, Is.EqualTo(expectedValue).Within(1e-6 * 4500));
        TensorAssert.AreClose(expectedGrad, grad, atol: 1e-7, rtol: 1e-6, name);
    }

    [Test]
    public void Cpu_sums_repeat_bit_for_bit_when_split_over_cores()
    {
        // 3M floats: 733 chunks, which CpuParallel spreads over every core.
        var data = RandomData.Uniform(3_000_000, seed: 64);
        float Once(Func<Tensor, Tensor> op)
        {
            using var scope = new TensorScope();
            return op(Tensor.FromArray(data, new Shape(data.Length), TestDevices.Cpu)).Item();
        }
        foreach (var op in new Func<Tensor, Tensor>[] { Reductions.Sum, Reductions.SumOfSquares })
        {
            float first = Once(op), second = Once(op);
            Assert.That(BitConverter.SingleToInt32Bits(second), Is.EqualTo(BitConverter.SingleToInt32Bits(first)), op.Method.Name);
        }
    }
}
