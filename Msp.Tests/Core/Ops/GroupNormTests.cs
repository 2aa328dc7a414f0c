using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class GroupNormTests
{
    private static readonly (string Name, bool Relu)[] Variants = [("plain", false), ("relu", true)];

    private static Tensor Apply(bool relu, Tensor x, Tensor weight, Tensor bias, int groups) =>
        relu ? GroupNorm.ForwardRelu(x, weight, bias, groups) : GroupNorm.Forward(x, weight, bias, groups);

    // (dims, groups): the model's [n, c, h, w], a rank-3 input, one group (layer-norm-like) and one channel per group.
    private static readonly (int[] Dims, int Groups)[] Shapes = [([2, 6, 5, 3], 3), ([3, 4, 7], 2), ([2, 5, 9], 1), ([2, 4, 3, 3], 4)];

    private static IEnumerable<TestCaseData> VariantsAndShapes() =>
        from v in Variants from s in Shapes
        select new TestCaseData(v.Relu, s.Dims, s.Groups).SetName($"{v.Name} [{string.Join(", ", s.Dims)}] groups {s.Groups}");

    [TestCaseSource(nameof(VariantsAndShapes))]
    public void Forward_matches_statistics_computed_in_double(bool relu, int[] dims, int groups)
    {
        var shape = new Shape(dims);
        // An offset of 20 makes E[x²] − E[x]² lose about 3 digits in float; the two-pass variance must not.
        var x = RandomData.Uniform(shape.Size, seed: 11).Select(v => 20f + 3f * v).ToArray();
        var weight = RandomData.Uniform(dims[1], seed: 12, low: 0.5f, high: 1.5f);
        var bias = RandomData.Uniform(dims[1], seed: 13);
        using var scope = new TensorScope();
        var device = TestDevices.Cpu;
        var y = Apply(relu, Tensor.FromArray(x, shape, device), Tensor.FromArray(weight, new Shape(dims[1]), device),
            Tensor.FromArray(bias, new Shape(dims[1]), device), groups).ToArray();
        // float32 normalisation of O(1) outputs: a few ulps of x (≈ 2e-6 at 20) scaled by rstd ≈ 0.6.
        TensorAssert.AreClose(Reference(x, weight, bias, dims, groups, relu), y, atol: 1e-5, rtol: 1e-4, "group norm");
    }

    [TestCaseSource(nameof(Variants))]
    public void Backward_matches_finite_differences((string Name, bool Relu) variant)
    {
        int[] dims = [2, 6, 5, 3];
        // With ReLU a 1e-2 step pushes outputs across the kink (the nearest is ŷ = 0.0067 here); 1e-3 stays clear of
        // it, and its float round-off (≈ 1e-7·|f|/1e-3 ≈ 5e-4) is still under atol.
        GradCheck.Check(t => Apply(variant.Relu, t[0], t[1], t[2], groups: 3),
        [
            (RandomData.Uniform(180, seed: 21, low: -2f, high: 2f), dims, true),
            (RandomData.Uniform(6, seed: 22, low: 0.5f, high: 1.5f), [6], true),
            (RandomData.Uniform(6, seed: 23), [6], true),
        ], epsilon: variant.Relu ? 1e-3 : 1e-2);
    }

    [Test]
    public void Fused_relu_has_the_gradients_of_relu_after_group_norm()
    {
        float[][] Gradients(Func<Tensor, Tensor, Tensor, Tensor> f)
        {
            using var scope = new TensorScope();
            var device = TestDevices.Cpu;
            var x = Tensor.FromArray(RandomData.Uniform(2 * 6 * 15, seed: 51, low: -2f, high: 2f), new Shape(2, 6, 5, 3), device);
            var weight = Tensor.FromArray(RandomData.Uniform(6, seed: 52, low: 0.5f, high: 1.5f), new Shape(6), device);
            var bias = Tensor.FromArray(RandomData.Uniform(6, seed: 53), new Shape(6), device);
            x.RequiresGrad = weight.RequiresGrad = bias.RequiresGrad = true;
            var y = f(x, weight, bias);
            Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(y.Size, seed: 54), y.Shape, device));
            return [y.ToArray(), x.Grad!.ToArray(), weight.Grad!.ToArray(), bias.Grad!.ToArray()];
        }
        var fused = Gradients((x, w, b) => GroupNorm.ForwardRelu(x, w, b, groups: 3));
        var composed = Gradients((x, w, b) => Activations.Relu(GroupNorm.Forward(x, w, b, groups: 3)));
        // The same float operations in the same order, except that relu(ŷ) is taken inside the normalising loop.
        for (int i = 0; i < fused.Length; i++)
            TensorAssert.AreClose(composed[i], fused[i], atol: 1e-6, rtol: 1e-6, $"output {i}");
    }

    [Test]
    public void Parameter_gradients_do_not_need_the_input_gradient() =>
        GradCheck.Check(t => GroupNorm.ForwardRelu(t[0], t[1], t[2], groups: 2),
        [
            (RandomData.Uniform(3 * 4 * 7, seed: 31), [3, 4, 7], false),
            (RandomData.Uniform(4, seed: 32, low: 0.5f, high: 1.5f), [4], true),
            (RandomData.Uniform(4, seed: 33), [4], true),
        ]);

    private static IEnumerable<TestCaseData> VariantsAndDevices() =>
        from v in Variants from kind in TestDevices.AllKinds
        select new TestCaseData(v.Relu, kind).SetName($"{v.Name} on {kind}");

    [TestCaseSource(nameof(VariantsAndDevices))]
    public void Forward_and_backward_on_each_device_match_cpu(bool relu, DeviceKind kind)
    {
        var expected = RunOnce(TestDevices.Cpu, relu, [2, 6, 5, 3], groups: 3);
        var actual = RunOnce(TestDevices.Get(kind), relu, [2, 6, 5, 3], groups: 3);
        // Same formulas, different summation order (a tree over 32 threads against 8-lane vectors): float round-off only.
        string[] names = ["y", "x grad", "weight grad", "bias grad"];
        for (int i = 0; i < names.Length; i++)
            TensorAssert.AreClose(expected[i], actual[i], atol: 1e-5, rtol: 1e-4, names[i]);
    }

    [Test]
    public void Cpu_results_repeat_bit_for_bit_when_split_over_cores()
    {
        // 128 rows of 4096 floats: CpuParallel splits them over every core.
        var first = RunOnce(TestDevices.Cpu, relu: true, [16, 32, 32, 32], groups: 8);
        var second = RunOnce(TestDevices.Cpu, relu: true, [16, 32, 32, 32], groups: 8);
        for (int i = 0; i < first.Length; i++)
            Assert.That(second[i], Is.EqualTo(first[i]).AsCollection, $"output {i}");
    }

    [Test]
    public void Rejects_channels_that_do_not_split_into_groups()
    {
        using var scope = new TensorScope();
        var device = TestDevices.Cpu;
        var x = Tensor.Zeros(new Shape(2, 6, 4), device);
        var parameter = Tensor.Zeros(new Shape(6), device);
        var error = Assert.Throws<ArgumentException>(() => GroupNorm.Forward(x, parameter, parameter, groups: 4));
        Assert.That(error!.Message, Does.Contain("GroupNorm.Forward").And.Contain("4 equal groups"));
        Assert.Throws<ArgumentException>(() => GroupNorm.ForwardRelu(x, Tensor.Zeros(new Shape(3), device), parameter, groups: 3));
        Assert.Throws<ArgumentException>(() => GroupNorm.Forward(Tensor.Zeros(new Shape(6), device), parameter, parameter, groups: 3));
    }

    private static float[][] RunOnce(IDevice device, bool relu, int[] dims, int groups)
    {
        var shape = new Shape(dims);
        using var scope = new TensorScope();
        var x = Tensor.FromArray(RandomData.Uniform(shape.Size, seed: 41, low: -2f, high: 2f), shape, device);
        var weight = Tensor.FromArray(RandomData.Uniform(dims[1], seed: 42, low: 0.5f, high: 1.5f), new Shape(dims[1]), device);
        var bias = Tensor.FromArray(RandomData.Uniform(dims[1], seed: 43), new Shape(dims[1]), device);
        x.RequiresGrad = weight.RequiresGrad = bias.RequiresGrad = true;
        var y = Apply(relu, x, weight, bias, groups);
        var yValues = y.ToArray();
        Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(shape.Size, seed: 44), shape, device));
        return [yValues, x.Grad!.ToArray(), weight.Grad!.ToArray(), bias.Grad!.ToArray()];
    }

    private static float[] Reference(float[] x, float[] weight, float[] bias, int[] dims, int groups, bool relu)
    {
        int batch = dims[0], channels = dims[1], spatial = x.Length / (batch * channels), perGroup = channels / groups;
        int rowLength = perGroup * spatial;
        var y = new float[x.Length];
        for (int row = 0; row < batch * groups; row++)
        {
            var values = x.AsSpan(row * rowLength, rowLength).ToArray().Select(v => (double)v).ToArray();
            double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
            double rstd = 1 / Math.Sqrt(variance + 1e-5);
            for (int i = 0; i < rowLength; i++)
            {
                int c = row % groups * perGroup + i / spatial;
                double v = (values[i] - mean) * rstd * weight[c] + bias[c];
                y[row * rowLength + i] = (float)(relu ? Math.Max(v, 0) : v);
            }
        }
        return y;
    }
}
