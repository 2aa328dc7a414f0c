using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Models;

public sealed class NeuralTransitionTests
{
    private static readonly NetworkConfig Network = new(DimM: 5, DimA: 3);

    [Test]
    public void The_network_maps_a_window_of_latents_to_the_next_one_and_the_rollout_slides_the_window()
    {
        using var scope = new TensorScope();
        using var network = new NeuralTransition(TestDevices.Cpu, new Rng(2), Network, conditioningFrames: 2);
        var h = RandomData.Tensor(TestDevices.Cpu, 4, 3, 2, Network.DimM, Network.DimA);
        var next = network.Next(h);
        Assert.That(next.Shape, Is.EqualTo(new Shape(3, 1, Network.DimM, Network.DimA)));
        var rollout = network.Infer(h, h).Rollout(3);
        Assert.That(rollout.Shape, Is.EqualTo(new Shape(3, 3, Network.DimM, Network.DimA)));
        Assert.That(Layout.Slice(rollout, 1, 0, 1).ToArray(), Is.EqualTo(next.ToArray()));
        var window = Layout.Concat([Layout.Slice(h, 1, 1, 1), next], axis: 1);
        Assert.That(Layout.Slice(rollout, 1, 1, 1).ToArray(), Is.EqualTo(network.Next(window).ToArray()), "frame 2 is predicted from (H_2, Ĥ_3)");
    }

    [Test]
    public void Each_dim_m_position_is_predicted_from_that_position_alone()
    {
        // 1×1 convolutions along dim_m: changing H at position 0 must leave every other position's prediction as it was.
        using var scope = new TensorScope();
        using var network = new NeuralTransition(TestDevices.Cpu, new Rng(2), Network, conditioningFrames: 2);
        var data = RandomData.Uniform(2 * Network.DimM * Network.DimA, seed: 8);
        var before = network.Next(Tensor.FromArray(data, new Shape(1, 2, Network.DimM, Network.DimA), TestDevices.Cpu)).ToArray();
        data[0] += 1f;
        var after = network.Next(Tensor.FromArray(data, new Shape(1, 2, Network.DimM, Network.DimA), TestDevices.Cpu)).ToArray();
        for (int m = 0; m < Network.DimM; m++)
        {
            var row = Enumerable.Range(m * Network.DimA, Network.DimA);
            if (m == 0)
                Assert.That(row.Any(i => after[i] != before[i]), Is.True, "position 0 changes");
            else
                Assert.That(row.Select(i => after[i]), Is.EqualTo(row.Select(i => before[i])), $"position {m}");
        }
    }

    [Test]
    public void Parameters_have_the_reference_state_dict_names_and_shapes()
    {
        using var model = new SeqAe(TestDevices.Cpu, new Rng(1), Network, (device, rng) => new NeuralTransition(device, rng, Network, 5));
        var shapes = model.NamedParameters().ToDictionary(p => p.Path, p => p.Tensor.Shape);
        Assert.Multiple(() =>
        {
            Assert.That(shapes["ar.0.weight"], Is.EqualTo(new Shape(128, 5 * Network.DimA, 1)));
            Assert.That(shapes["ar.1.c1.parametrizations.weight.original"], Is.EqualTo(new Shape(128, 128, 1)));
            Assert.That(shapes["ar.2.norm2.weight"], Is.EqualTo(new Shape(128)));
            Assert.That(shapes["ar.2.c_sc.weight"], Is.EqualTo(new Shape(128, 128, 1)));
            Assert.That(shapes["ar.4.bias"], Is.EqualTo(new Shape(128)));
            Assert.That(shapes["ar.7.weight"], Is.EqualTo(new Shape(Network.DimA, 128, 1)));
            Assert.That(shapes.Keys.Where(k => !k.StartsWith("ar.", StringComparison.Ordinal)), Is.All.StartsWith("enc.").Or.StartsWith("dec."));
        });
    }

    [Test]
    public void It_has_no_transition_to_swap()
    {
        using var scope = new TensorScope();
        using var network = new NeuralTransition(TestDevices.Cpu, new Rng(2), Network, conditioningFrames: 2);
        var h = RandomData.Tensor(TestDevices.Cpu, 4, 2, 2, Network.DimM, Network.DimA);
        var forecast = network.Infer(h, h);
        Assert.Multiple(() =>
        {
            Assert.That(network.HasTransitionMatrix, Is.False);
            Assert.That(forecast.Transition, Is.Null);
            Assert.That(forecast.WithTransitions(m => m), Is.Null);
        });
    }

    [Test]
    public void A_window_of_another_length_is_refused()
    {
        using var scope = new TensorScope();
        using var network = new NeuralTransition(TestDevices.Cpu, new Rng(2), Network, conditioningFrames: 2);
        var h = RandomData.Tensor(TestDevices.Cpu, 4, 2, 3, Network.DimM, Network.DimA);
        Assert.That(() => network.Next(h), Throws.ArgumentException.With.Message.Contains("[n, 2, 5, 3]"));
    }
}
