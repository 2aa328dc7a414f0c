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
