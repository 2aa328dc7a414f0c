using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class WeightStandardizationTests
{
    // A conv weight [out, in, kh, kw], a matrix, and rows of two values (the smallest with an unbiased std).
    private static readonly int[][] Shapes = [[4, 3, 3, 3], [5, 7], [3, 2, 1], [6, 5, 3, 3]];

    [TestCaseSource(nameof(Shapes))]
    public void Forward_matches_the_reference_formula_in_double(int[] dims)
    {
        var shape = new Shape(dims);
        // xavier_uniform(gain √2)-sized values plus an offset, so the centring matters.
        var weight = RandomData.Uniform(shape.Size, seed: 81, low: -0.3f, high: 0.5f);
        using var scope = new TensorScope();
        var y = WeightStandardization.Apply(Tensor.FromArray(weight, shape, TestDevices.Cpu)).ToArray();
        // Outputs are O(1) (unit std); float32 two-pass statistics over ≤ 54 values lose a few ulps.
        TensorAssert.AreClose(Reference(weight, dims[0]), y, atol: 1e-5, rtol: 1e-5, "standardized");
    }

    [Test]
    public void Backward_matches_finite_differences() =>
        // Step 1e-3 on weights of O(0.5): the output is O(1) and smooth, with no kink to cross.
        GradCheck.Check(t => WeightStandardization.Apply(t[0]), [(RandomData.Uniform(54, seed: 82), [3, 2, 3, 3], true)],
            epsilon: 1e-3);

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void Forward_and_backward_on_each_device_match_cpu(DeviceKind kind)
    {
        (float[] Y, float[] Grad) Run(IDevice device)
        {
            using var scope = new TensorScope();
            // Rows of 45: longer than one 32-thread group, so each thread strides.
            var weight = Tensor.FromArray(RandomData.Uniform(7 * 45, seed: 83), new Shape(7, 5, 3, 3), device);
            weight.RequiresGrad = true;
            var y = WeightStandardization.Apply(weight);
            var values = y.ToArray();
            Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(y.Size, seed: 84), y.Shape, device));
            return (values, weight.Grad!.ToArray());
        }
        var expected = Run(TestDevices.Cpu);
        var actual = Run(TestDevices.Get(kind));
        // Different summation orders over 45 values: float round-off only.
        TensorAssert.AreClose(expected.Y, actual.Y, atol: 1e-5, rtol: 1e-5, "standardized");
        TensorAssert.AreClose(expected.Grad, actual.Grad, atol: 1e-5, rtol: 1e-4, "weight grad");
    }

    [Test]
    public void Cpu_results_repeat_bit_for_bit_when_split_over_cores()
    {
        float[] Once()
        {
            using var scope = new TensorScope();
            // 256 rows of 1152: the model's largest weight, spread over every core.
            var weight = Tensor.FromArray(RandomData.Uniform(256 * 1152, seed: 85), new Shape(256, 128, 3, 3), TestDevices.Cpu);
            weight.RequiresGrad = true;
            var y = WeightStandardization.Apply(weight);
            Tape.Backward(y, Tensor.FromArray(RandomData.Uniform(y.Size, seed: 86), y.Shape, TestDevices.Cpu));
            return [.. y.ToArray(), .. weight.Grad!.ToArray()];
        }
        var first = Once();
        Assert.That(Once(), Is.EqualTo(first).AsCollection);
    }

    [Test]
    public void Rejects_weights_without_two_values_per_output_channel()
    {
        using var scope = new TensorScope();
        var error = Assert.Throws<ArgumentException>(() => WeightStandardization.Apply(Tensor.Zeros(new Shape(4, 1, 1, 1), TestDevices.Cpu)));
        Assert.That(error!.Message, Does.Contain("WeightStandardization.Apply").And.Contain("[4, 1, 1, 1]"));
        Assert.Throws<ArgumentException>(() => WeightStandardization.Apply(Tensor.Zeros(new Shape(4), TestDevices.Cpu)));
    }

    private static float[] Reference(float[] weight, int rows)
    {
        int length = weight.Length / rows;
        var y = new float[weight.Length];
        for (int o = 0; o < rows; o++)
        {
            var row = weight.Skip(o * length).Take(length).Select(v => (double)v).ToArray();
            double mean = row.Average();
            double std = Math.Sqrt(row.Sum(v => (v - mean) * (v - mean)) / (length - 1));
            for (int i = 0; i < length; i++)
                y[o * length + i] = (float)((row[i] - mean) / (std + 1e-5));
        }
        return y;
    }
}
