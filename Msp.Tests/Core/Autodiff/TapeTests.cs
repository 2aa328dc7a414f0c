using Msp.Core.Autodiff;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Autodiff;

public sealed class TapeTests
{
    [Test]
    public void A_tensor_used_twice_receives_both_gradients()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, -2f, 3f], new Shape(3), TestDevices.Cpu);
        x.RequiresGrad = true;
        // y = sum(x·x + 3x) → dy/dx = 2x + 3, through two paths that meet again at x.
        var zero = Tensor.Zeros(new Shape(3), TestDevices.Cpu);
        var y = Elementwise.Add(Losses.SumSquaredError(x, zero), Reductions.Sum(Elementwise.Scale(x, 3f)));
        Tape.Backward(y);
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 5f, -1f, 9f }));
    }

    [Test]
    public void Gradients_accumulate_until_zeroed()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], new Shape(2), TestDevices.Cpu);
        x.RequiresGrad = true;
        Tape.Backward(Reductions.Sum(Elementwise.Scale(x, 2f)));
        Tape.Backward(Reductions.Sum(Elementwise.Scale(x, 2f)));
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 4f, 4f }));
        x.ZeroGrad();
        Assert.That(x.Grad!.ToArray(), Is.EqualTo(new[] { 0f, 0f }));
    }

    [Test]
    public void Check_finite_names_the_first_op_whose_output_overflows()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 3e38f], new Shape(2), TestDevices.Cpu);
        x.RequiresGrad = true;
        var y = Elementwise.Scale(x, 2f);
        Assert.That(y.ToArray()[1], Is.EqualTo(float.PositiveInfinity), "3e38 · 2 overflows float32");
        using (Tape.CheckFinite())
        {
            var e = Assert.Throws<NonFiniteTensorException>(() => Elementwise.Scale(x, 2f))!;
            Assert.That(e.Tensor, Is.EqualTo("the output of Elementwise.Scale [2] (op 2 on the tape)"));
            Assert.That(e.Message, Does.Contain("∞").Or.Contain("Infinity").And.Contain("element 1 of 2"));
        }
        Assert.DoesNotThrow(() => Elementwise.Scale(x, 2f), "outside the scope nothing is checked");
    }

    [Test]
    public void Check_finite_names_the_op_a_non_finite_gradient_reaches()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], new Shape(2), TestDevices.Cpu);
        x.RequiresGrad = true;
        var y = Activations.Sigmoid(Elementwise.Scale(x, 2f));
        var seed = Tensor.FromArray([1f, float.NaN], new Shape(2), TestDevices.Cpu);
        using (Tape.CheckFinite())
        {
            var e = Assert.Throws<NonFiniteTensorException>(() => Tape.Backward(y, seed))!;
            Assert.That(e.Tensor, Does.StartWith("the gradient of the output of Activations.Sigmoid [2]"));
        }
    }

    [Test]
    public void Nothing_is_recorded_under_no_grad()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], new Shape(2), TestDevices.Cpu);
        x.RequiresGrad = true;
        Tensor y;
        using (Tape.NoGrad())
        {
            Assert.That(Tape.IsRecording, Is.False);
            y = Reductions.Sum(Elementwise.Scale(x, 2f));
        }
        Assert.That(Tape.IsRecording, Is.True);
        Assert.That(() => Tape.Backward(y), Throws.InvalidOperationException);
        Assert.That(x.Grad, Is.Null);
    }
}
