using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class LayoutTests
{
    /// <summary>Row-major flat index of <paramref name="index"/> in <paramref name="dims"/>.</summary>
    private static int Flat(int[] dims, params int[] index)
    {
        int flat = 0;
        for (int k = 0; k < dims.Length; k++)
            flat = flat * dims[k] + index[k];
        return flat;
    }

    [Test]
    public void Concat_puts_the_parts_one_after_another_along_the_axis()
    {
        using var scope = new TensorScope();
        var a = RandomData.Tensor(TestDevices.Cpu, 1, 2, 3, 4);
        var b = RandomData.Tensor(TestDevices.Cpu, 2, 2, 1, 4);
        var c = RandomData.Tensor(TestDevices.Cpu, 3, 2, 2, 4);
        var y = Layout.Concat([a, b, c], axis: 1);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 6, 4)));
        float[] av = a.ToArray(), bv = b.ToArray(), cv = c.ToArray(), yv = y.ToArray();
        for (int n = 0; n < 2; n++)
            for (int j = 0; j < 6; j++)
                for (int k = 0; k < 4; k++)
                {
                    float expected = j < 3 ? av[Flat([2, 3, 4], n, j, k)]
                        : j < 4 ? bv[Flat([2, 1, 4], n, j - 3, k)]
                        : cv[Flat([2, 2, 4], n, j - 4, k)];
                    Assert.That(yv[Flat([2, 6, 4], n, j, k)], Is.EqualTo(expected), $"[{n}, {j}, {k}]");
                }
    }

    [Test]
    public void Slice_copies_the_window_along_the_axis()
    {
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 4, 3, 5, 2);
        var y = Layout.Slice(x, axis: -2, start: 1, length: 3);
        Assert.That(y.Shape, Is.EqualTo(new Shape(3, 3, 2)));
        float[] xv = x.ToArray(), yv = y.ToArray();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    Assert.That(yv[Flat([3, 3, 2], i, j, k)], Is.EqualTo(xv[Flat([3, 5, 2], i, j + 1, k)]));
    }

    [Test]
    public void BroadcastBatch_repeats_the_tensor_and_TileSpatial_fills_each_plane()
    {
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 5, 2, 3);
        float[] xv = x.ToArray();
        var repeated = Layout.BroadcastBatch(x, 4).ToArray();
        var tiled = Layout.TileSpatial(x, 2, 5);
        Assert.That(tiled.Shape, Is.EqualTo(new Shape(2, 3, 2, 5)));
        var tv = tiled.ToArray();
        Assert.Multiple(() =>
        {
            for (int copy = 0; copy < 4; copy++)
                Assert.That(repeated.Skip(copy * 6).Take(6), Is.EqualTo(xv), $"copy {copy}");
            for (int n = 0; n < 2; n++)
                for (int c = 0; c < 3; c++)
                    Assert.That(tv.Skip(Flat([2, 3], n, c) * 10).Take(10), Is.All.EqualTo(xv[Flat([2, 3], n, c)]), $"plane [{n}, {c}]");
        });
    }

    [Test]
    public void Permute_moves_every_element_to_its_permuted_index()
    {
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 6, 2, 3, 4, 5);
        var y = Layout.Permute(x, 2, 0, 3, 1);
        Assert.That(y.Shape, Is.EqualTo(new Shape(4, 2, 5, 3)));
        float[] xv = x.ToArray(), yv = y.ToArray();
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 4; c++)
                    for (int d = 0; d < 5; d++)
                        Assert.That(yv[Flat([4, 2, 5, 3], c, a, d, b)], Is.EqualTo(xv[Flat([2, 3, 4, 5], a, b, c, d)]));
    }

    /// <summary>Each layout op on small odd shapes: name, input shapes, the op.</summary>
    private static readonly (string Name, int[][] Dims, Func<Tensor[], Tensor> Op)[] Cases =
    [
        ("concat", [[2, 3, 5], [2, 1, 5], [2, 2, 5]], t => Layout.Concat(t, axis: 1)),
        ("concat last axis", [[3, 2], [3, 5]], t => Layout.Concat(t, axis: -1)),
        ("slice", [[3, 7, 2]], t => Layout.Slice(t[0], 1, 2, 4)),
        ("broadcast batch", [[3, 5]], t => Layout.BroadcastBatch(t[0], 3)),
        ("tile spatial", [[2, 3]], t => Layout.TileSpatial(t[0], 3, 5)),
        ("permute", [[2, 3, 5, 7]], t => Layout.Permute(t[0], 0, 2, 3, 1)),
    ];

    private static IEnumerable<TestCaseData> CaseNames() => Cases.Select(c => new TestCaseData(c.Name).SetName($"{c.Name} backward"));

    [TestCaseSource(nameof(CaseNames))]
    public void Backward_matches_finite_differences(string name)
    {
        var (_, dims, op) = Cases.Single(c => c.Name == name);
        GradCheck.Check(op, dims.Select((d, i) => (RandomData.Uniform(new Shape(d).Size, seed: 20 + i), d, true)).ToArray());
    }

    private static IEnumerable<TestCaseData> CasesAndDevices() =>
        from c in Cases from kind in TestDevices.AllKinds select new TestCaseData(c.Name, kind).SetName($"{c.Name} on {kind}");

    [TestCaseSource(nameof(CasesAndDevices))]
    public void Forward_and_backward_on_each_device_match_cpu(string name, DeviceKind kind)
    {
        var (_, dims, op) = Cases.Single(c => c.Name == name);
        float[][] Run(IDevice device)
        {
            using var scope = new TensorScope();
            var inputs = dims.Select((d, i) =>
            {
                var t = RandomData.Tensor(device, 30 + i, d);
                t.RequiresGrad = true;
                return t;
            }).ToArray();
            var y = op(inputs);
            var seed = Tensor.FromArray(RandomData.Uniform(y.Size, seed: 40), y.Shape, device);
            // Backward twice: the second pass must add to the first.
            Tape.Backward(y, seed);
            Tape.Backward(op(inputs), seed);
            return [y.ToArray(), .. inputs.Select(t => t.Grad!.ToArray())];
        }
        var expected = Run(TestDevices.Cpu);
        var actual = Run(TestDevices.Get(kind));
        // Copies agree exactly; gradients are sums of a few copies whose order may differ between kernels.
        Assert.That(actual[0], Is.EqualTo(expected[0]).AsCollection, "output");
        for (int i = 1; i < expected.Length; i++)
            TensorAssert.AreClose(expected[i], actual[i], atol: 1e-6, rtol: 1e-6, $"gradient of input {i - 1}");
    }

    [Test]
    public void Bad_arguments_name_the_op_and_the_shapes()
    {
        using var scope = new TensorScope();
        var x = Tensor.Zeros(new Shape(2, 3), TestDevices.Cpu);
        var other = Tensor.Zeros(new Shape(3, 3), TestDevices.Cpu);
        Assert.Multiple(() =>
        {
            Assert.That(() => Layout.Concat([x, other], axis: 1), Throws.ArgumentException.With.Message.Contains("Concat").And.Message.Contains("[3, 3]"));
            Assert.That(() => Layout.Slice(x, 1, 2, 2), Throws.ArgumentException.With.Message.Contains("Slice").And.Message.Contains("[2, 3]"));
            Assert.That(() => Layout.Permute(x, 0, 0), Throws.ArgumentException.With.Message.Contains("Permute"));
            Assert.That(() => Layout.Concat([], axis: 0), Throws.ArgumentException);
        });
    }
}
