using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;

namespace Msp.Tests.Support;

/// <summary>
/// The one helper every op's backward goes through: compares the vector–Jacobian product rᵀ·∂f/∂x that backward
/// computes with central finite differences of rᵀf(x), evaluated in double from float forwards.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks d(rᵀ f(inputs))/d inputs for every element of every input with RequiresGrad (or a sample of
    /// <paramref name="maxPerInput"/> of them). Step <paramref name="epsilon"/> trades float32 round-off
    /// (∝ 1e-7·|f|/ε) against truncation (∝ ε²·f'''); 1e-2 with atol/rtol 2e-3/2e-2 fails on any wrong formula
    /// but passes float noise for O(1) inputs.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> function, (float[] Data, int[] Dims, bool NeedsGrad)[] inputs,
        double epsilon = 1e-2, double atol = 2e-3, double rtol = 2e-2, int maxPerInput = 64, int seed = 7)
    {
        var device = TestDevices.Cpu;
        using var scope = new TensorScope();
        var tensors = inputs.Select(i =>
        {
            var t = Tensor.FromArray(i.Data, new Shape(i.Dims), device);
            t.RequiresGrad = i.NeedsGrad;
            return t;
        }).ToArray();

        var output = function(tensors);
        var weights = RandomData.Uniform(output.Size, seed);
        Tape.Backward(output, Tensor.FromArray(weights, output.Shape, device));

        var rng = new Rng((ulong)seed);
        for (int input = 0; input < inputs.Length; input++)
        {
            if (!inputs[input].NeedsGrad)
                continue;
            var analytic = tensors[input].Grad?.ToArray() ?? new float[tensors[input].Size];
            var data = inputs[input].Data;
            var indices = Enumerable.Range(0, data.Length).ToArray();
            if (indices.Length > maxPerInput)
            {
                rng.Shuffle(indices.AsSpan());
                indices = indices[..maxPerInput];
            }
            foreach (int i in indices)
            {
                double plus = Weighted(function, inputs, input, i, +epsilon, weights, device);
                double minus = Weighted(function, inputs, input, i, -epsilon, weights, device);
                double numeric = (plus - minus) / (2 * epsilon);
                double error = Math.Abs(numeric - analytic[i]);
                if (error > atol + rtol * Math.Abs(numeric))
                    Assert.Fail($"input {input}, element {i}: backward gives {analytic[i]}, finite differences {numeric:G6} " +
                                $"(|diff| {error:G3} > atol {atol} + rtol {rtol}·|fd|).");
            }
        }
    }

    private static double Weighted(Func<Tensor[], Tensor> function, (float[] Data, int[] Dims, bool NeedsGrad)[] inputs,
        int input, int index, double delta, float[] weights, IDevice device)
    {
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        var tensors = inputs.Select((spec, j) =>
        {
            var data = (float[])spec.Data.Clone();
            if (j == input)
                data[index] = (float)(data[index] + delta);
            return Tensor.FromArray(data, new Shape(spec.Dims), device);
        }).ToArray();
        var output = function(tensors).ToArray();
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
            sum += (double)weights[i] * output[i];
        return sum;
    }
}
