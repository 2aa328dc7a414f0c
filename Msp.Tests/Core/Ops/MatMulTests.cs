using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Kernels;
using Msp.Tests.Kernels;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class MatMulTests
{
    /// <summary>Stored shapes of a and b for a product op(a) [.., 3, 4] · op(b) [.., 4, 5] over a batch [2, 3] (b shared: rank 2).</summary>
    private static (int[] A, int[] B) StoredDims(bool transposeA, bool transposeB, bool shareB)
    {
        int[] batch = [2, 3];
        int[] a = [.. batch, .. transposeA ? new[] { 4, 3 } : [3, 4]];
        int[] bMatrix = transposeB ? [5, 4] : [4, 5];
        return (a, shareB ? bMatrix : [.. batch, .. bMatrix]);
    }

    private static IEnumerable<TestCaseData> Variants() =>
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        from shareB in new[] { false, true }
        select new TestCaseData(transposeA, transposeB, shareB).SetName($"tA={transposeA} tB={transposeB} shared b={shareB}");

    private static IEnumerable<TestCaseData> VariantsOnAccelerators() =>
        from kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda }
        from transposeA in new[] { false, true }
        from shareB in new[] { false, true }
        select new TestCaseData(kind, transposeA, !transposeA, shareB).SetName($"tA={transposeA} tB={!transposeA} shared b={shareB} on {kind}");

    [TestCaseSource(nameof(Variants))]
    public void Batched_forward_matches_the_triple_loop(bool transposeA, bool transposeB, bool shareB)
    {
        var (aDims, bDims) = StoredDims(transposeA, transposeB, shareB);
        using var scope = new TensorScope();
        var a = RandomData.Tensor(TestDevices.Cpu, 1, aDims);
        var b = RandomData.Tensor(TestDevices.Cpu, 2, bDims);
        var y = MatMul.Batched(a, b, transposeA, transposeB);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 3, 3, 5)));
        var gemm = new GemmShape(6, 3, 5, 4, transposeA, transposeB, ShareB: shareB);
        var expected = GemmKernelsTests.Reference(a.ToArray(), b.ToArray(), gemm, 1f, 0f, new float[gemm.SizeC]);
        // Sums of four products of values in [-1, 1]: float rounding stays below 1e-6.
        TensorAssert.AreClose(expected, y.ToArray(), 1e-6, 1e-6, "y");
    }

    [TestCaseSource(nameof(Variants))]
    public void Batched_backward_matches_finite_differences(bool transposeA, bool transposeB, bool shareB)
    {
        var (aDims, bDims) = StoredDims(transposeA, transposeB, shareB);
        GradCheck.Check(t => MatMul.Batched(t[0], t[1], transposeA, transposeB),
            [(RandomData.Uniform(aDims.Aggregate(1, (p, d) => p * d), 1), aDims, true), (RandomData.Uniform(bDims.Aggregate(1, (p, d) => p * d), 2), bDims, true)]);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Linear_backward_matches_finite_differences(bool withBias)
    {
        var inputs = new List<(float[], int[], bool)> { (RandomData.Uniform(21, 1), [3, 7], true), (RandomData.Uniform(35, 2), [5, 7], true) };
        if (withBias)
            inputs.Add((RandomData.Uniform(5, 3), [5], true));
        GradCheck.Check(t => MatMul.Linear(t[0], t[1], withBias ? t[2] : null), [.. inputs]);
    }

    [Test]
    public void Linear_adds_the_bias_to_every_row()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], new Shape(2, 2), TestDevices.Cpu);
        var weight = Tensor.FromArray([1f, 0f, 1f, 1f, 0f, -1f], new Shape(3, 2), TestDevices.Cpu);
        var bias = Tensor.FromArray([10f, 20f, 30f], new Shape(3), TestDevices.Cpu);
        Assert.That(MatMul.Linear(x, weight, bias).ToArray(), Is.EqualTo(new[] { 11f, 23f, 28f, 13f, 27f, 26f }));
    }

    [TestCaseSource(nameof(VariantsOnAccelerators))]
    public void Batched_on_an_accelerator_matches_cpu(DeviceKind kind, bool transposeA, bool transposeB, bool shareB)
    {
        var (aDims, bDims) = StoredDims(transposeA, transposeB, shareB);
        float[][] Run(IDevice device)
        {
            using var scope = new TensorScope();
            var a = RandomData.Tensor(device, 1, aDims);
            var b = RandomData.Tensor(device, 2, bDims);
            a.RequiresGrad = b.RequiresGrad = true;
            var y = MatMul.Batched(a, b, transposeA, transposeB);
            Tape.Backward(y, RandomData.Tensor(device, 3, y.Shape.ToArray()));
            return [y.ToArray(), a.Grad!.ToArray(), b.Grad!.ToArray()];
        }
        var (expected, actual) = (Run(TestDevices.Cpu), Run(TestDevices.Get(kind)));
        // Sums of at most 30 products of values in [-1, 1], in different orders.
        for (int i = 0; i < 3; i++)
            TensorAssert.AreClose(expected[i], actual[i], 1e-5, 1e-5, new[] { "y", "aGrad", "bGrad" }[i]);
    }

    [TestCaseSource(nameof(AcceleratorKinds))]
    public void Linear_on_an_accelerator_matches_cpu(DeviceKind kind)
    {
        float[][] Run(IDevice device)
        {
            using var scope = new TensorScope();
            var x = RandomData.Tensor(device, 1, 3, 7);
            var weight = RandomData.Tensor(device, 2, 5, 7);
            var bias = RandomData.Tensor(device, 3, 5);
            x.RequiresGrad = weight.RequiresGrad = bias.RequiresGrad = true;
            var y = MatMul.Linear(x, weight, bias);
            Tape.Backward(y, RandomData.Tensor(device, 4, 3, 5));
            return [y.ToArray(), x.Grad!.ToArray(), weight.Grad!.ToArray(), bias.Grad!.ToArray()];
        }
        var (expected, actual) = (Run(TestDevices.Cpu), Run(TestDevices.Get(kind)));
        // Sums of at most 7 products of values in [-1, 1], in different orders.
        for (int i = 0; i < 4; i++)
            TensorAssert.AreClose(expected[i], actual[i], 1e-5, 1e-5, new[] { "y", "xGrad", "weightGrad", "biasGrad" }[i]);
    }

    private static IEnumerable<DeviceKind> AcceleratorKinds() => [DeviceKind.IlgpuCpu, DeviceKind.Cuda];

    [Test]
    public void Mismatched_shapes_are_rejected_with_the_op_and_shapes_named()
    {
        using var scope = new TensorScope();
        var cpu = TestDevices.Cpu;
        Assert.Multiple(() =>
        {
            Assert.That(() => MatMul.Batched(Tensor.Zeros(new Shape(2, 3, 4), cpu), Tensor.Zeros(new Shape(2, 5, 6), cpu)),
                Throws.ArgumentException.With.Message.Contains("MatMul.Batched").And.Message.Contains("[2, 5, 6]"));
            Assert.That(() => MatMul.Batched(Tensor.Zeros(new Shape(2, 3, 4), cpu), Tensor.Zeros(new Shape(3, 4, 6), cpu)),
                Throws.ArgumentException.With.Message.Contains("batch dimensions"));
            Assert.That(() => MatMul.Batched(Tensor.Zeros(new Shape(3), cpu), Tensor.Zeros(new Shape(3, 4), cpu)),
                Throws.ArgumentException.With.Message.Contains("rank 2"));
            Assert.That(() => MatMul.Linear(Tensor.Zeros(new Shape(2, 3), cpu), Tensor.Zeros(new Shape(4, 5), cpu), null),
                Throws.ArgumentException.With.Message.Contains("MatMul.Linear"));
            Assert.That(() => MatMul.Linear(Tensor.Zeros(new Shape(2, 3), cpu), Tensor.Zeros(new Shape(4, 3), cpu), Tensor.Zeros(new Shape(3), cpu)),
                Throws.ArgumentException.With.Message.Contains("bias [3]"));
        });
    }
}
