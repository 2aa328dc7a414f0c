using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Models;

public sealed class NeuralTransitionMatrixTests
{
    private static readonly NetworkConfig Network = new(DimM: 4, DimA: 3, WidthFactor: 0.125f);

    [Test]
    public void M_is_a_hundredth_of_the_second_encoder_applied_to_the_frames_stacked_along_the_channels()
    {
        using var scope = new TensorScope();
        using var dynamics = new NeuralTransitionMatrix(TestDevices.Cpu, new Rng(6), Network, conditioningFrames: 2);
        // The same seed draws the same weights: an encoder of 2·3 input channels and a·a outputs.
        using var encoder = new Encoder(TestDevices.Cpu, new Rng(6), 6, Network.ImageSize, Network.DimA * Network.DimA, Network.WidthFactor, Network.BlockCount);
        var xs = RandomData.Tensor(TestDevices.Cpu, 3, 2, 2, 3, 32, 32);
        var m = dynamics.TransitionOf(xs);
        Assert.That(m.Shape, Is.EqualTo(new Shape(2, Network.DimA, Network.DimA)));
        // 'n t c h w → n (t c) h w': frame t's channel c is input channel t·3 + c, which is the memory order already.
        var expected = encoder.Forward(Shapes.Reshape(xs, 2, 6, 32, 32)).ToArray().Select(v => v * 0.01f).ToArray();
        TensorAssert.AreClose(expected, m.ToArray(), atol: 1e-7, rtol: 1e-6, "M");
    }

    [Test]
    public void The_forecast_rolls_the_last_latent_with_the_predicted_M()
    {
        using var scope = new TensorScope();
        using var dynamics = new NeuralTransitionMatrix(TestDevices.Cpu, new Rng(6), Network, conditioningFrames: 2);
        var xs = RandomData.Tensor(TestDevices.Cpu, 3, 2, 2, 3, 32, 32);
        var h = RandomData.Tensor(TestDevices.Cpu, 4, 2, 2, Network.DimM, Network.DimA);
        var forecast = dynamics.Infer(xs, h);
        var expected = LeastSquaresTransition.Rollout(Layout.Slice(h, 1, 1, 1), dynamics.TransitionOf(xs), 3);
        Assert.That(forecast.Rollout(3).ToArray(), Is.EqualTo(expected.ToArray()));
    }

    [Test]
    public void Its_network_is_M_net_in_the_checkpoint_and_reads_T_cond_frames_only()
    {
        using var model = new SeqAe(TestDevices.Cpu, new Rng(1), Network, (device, rng) => new NeuralTransitionMatrix(device, rng, Network, 2));
        var shapes = model.NamedParameters().ToDictionary(p => p.Path, p => p.Tensor.Shape);
        Assert.That(shapes["M_net.phi.0.weight"], Is.EqualTo(new Shape(4, 6, 3, 3)));
        Assert.That(shapes["M_net.linear.weight"].ToArray()[0], Is.EqualTo(Network.DimA * Network.DimA));
        using var scope = new TensorScope();
        var threeFrames = RandomData.Tensor(TestDevices.Cpu, 3, 1, 3, 3, 32, 32);
        Assert.That(() => ((NeuralTransitionMatrix)model.Dynamics).TransitionOf(threeFrames), Throws.ArgumentException.With.Message.Contains("2 conditioning frames"));
    }
}
