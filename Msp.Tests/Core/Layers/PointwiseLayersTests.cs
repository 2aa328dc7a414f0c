using Msp.Core.Layers;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Layers;

/// <summary>The layers of the neural transition: 1×1 convolution, layer norm and their residual block.</summary>
public sealed class PointwiseLayersTests
{
    [Test]
    public void A_pointwise_convolution_is_the_weighted_sum_over_input_channels_plus_bias()
    {
        using var scope = new TensorScope();
        using var layer = new PointwiseConvLayer(TestDevices.Cpu, new Rng(1), 4, 3, WeightInit.PyTorchDefault, standardize: false);
        var x = RandomData.Uniform(5 * 4, seed: 2);
        var y = layer.Forward(Tensor.FromArray(x, new Shape(5, 4), TestDevices.Cpu)).ToArray();
        float[] w = layer.Weight.ToArray(), b = layer.Bias.ToArray();
        var expected = new float[5 * 3];
        for (int r = 0; r < 5; r++)
            for (int o = 0; o < 3; o++)
                expected[r * 3 + o] = b[o] + Enumerable.Range(0, 4).Sum(i => w[o * 4 + i] * x[r * 4 + i]);
        TensorAssert.AreClose(expected, y, atol: 1e-6, rtol: 1e-6, "conv 1×1");
    }

    [Test]
    public void Layer_norm_normalises_each_row_over_its_features_with_the_biased_variance()
    {
        using var scope = new TensorScope();
        using var layer = new LayerNormLayer(TestDevices.Cpu, 6);
        var x = RandomData.Uniform(4 * 6, seed: 3, low: -3, high: 5);
        var y = layer.ForwardRelu(Tensor.FromArray(x, new Shape(4, 6), TestDevices.Cpu)).ToArray();
        var expected = new float[x.Length];
        for (int r = 0; r < 4; r++)
        {
            var row = x.Skip(r * 6).Take(6).Select(v => (double)v).ToArray();
            double mean = row.Average(), variance = row.Average(v => (v - mean) * (v - mean));
            for (int i = 0; i < 6; i++)
                expected[r * 6 + i] = (float)Math.Max(0, (row[i] - mean) / Math.Sqrt(variance + 1e-5));
        }
        TensorAssert.AreClose(expected, y, atol: 1e-5, rtol: 1e-5, "relu(layernorm)");
    }

    [Test]
    public void The_residual_block_passes_gradients_to_its_input()
    {
        using var block = new PointwiseResBlock(TestDevices.Cpu, new Rng(4), 4, 5);
        GradCheck.Check(t => block.Forward(t[0]), [(RandomData.Uniform(3 * 4, seed: 5), [3, 4], true)]);
    }
}
