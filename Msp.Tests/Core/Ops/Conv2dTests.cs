using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Kernels;
using Msp.Tests.Kernels;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class Conv2dTests
{
    private static IEnumerable<TestCaseData> KernelSizesAndBias() =>
        from kernelSize in new[] { 1, 3 }
        from withBias in new[] { true, false }
        select new TestCaseData(kernelSize, withBias).SetName($"k={kernelSize} bias={withBias}");

    private static IEnumerable<TestCaseData> AcceleratorCases() =>
        from kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda }
        from kernelSize in new[] { 1, 3 }
        select new TestCaseData(kind, kernelSize).SetName($"k={kernelSize} on {kind}");

    [Test]
    public void Forward_matches_direct_convolution_with_pytorch_layout()
    {
        var s = new Conv2dShape(2, 3, 5, 7, 5, 3);
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 1, 2, 3, 7, 5);
        var weight = RandomData.Tensor(TestDevices.Cpu, 2, 5, 3, 3, 3);
        var bias = RandomData.Tensor(TestDevices.Cpu, 3, 5);
        var y = Conv2d.Forward(x, weight, bias);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 5, 7, 5)));
        // Sums of 27 products of values in [-1, 1] plus a bias: float rounding stays below 1e-5.
        TensorAssert.AreClose(Conv2dKernelsTests.ReferenceForward(x.ToArray(), weight.ToArray(), bias.ToArray(), s), y.ToArray(), 1e-5, 1e-5, "y");
    }

    [Test]
    public void A_centred_unit_kernel_copies_its_channel()
    {
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 1, 1, 2, 4, 3);
        var weight = new float[2 * 2 * 9];
        weight[(1 * 2 + 0) * 9 + 4] = 1f;   // output channel 1 reads input channel 0 at the centre tap
        var y = Conv2d.Forward(x, Tensor.FromArray(weight, new Shape(2, 2, 3, 3), TestDevices.Cpu), null).ToArray();
        Assert.That(y[12..24], Is.EqualTo(x.ToArray()[..12]));
        Assert.That(y[..12], Is.All.EqualTo(0f));
    }

    [TestCaseSource(nameof(KernelSizesAndBias))]
    public void Backward_matches_finite_differences(int kernelSize, bool withBias)
    {
        var inputs = new List<(float[], int[], bool)>
        {
            (RandomData.Uniform(2 * 3 * 7 * 5, 1), [2, 3, 7, 5], true),
            (RandomData.Uniform(5 * 3 * kernelSize * kernelSize, 2), [5, 3, kernelSize, kernelSize], true),
        };
        if (withBias)
            inputs.Add((RandomData.Uniform(5, 3), [5], true));
        GradCheck.Check(t => Conv2d.Forward(t[0], t[1], withBias ? t[2] : null), [.. inputs]);
    }

    [Test]
    public void Backward_only_fills_the_gradients_asked_for()
    {
        using var scope = new TensorScope();
        var x = RandomData.Tensor(TestDevices.Cpu, 1, 2, 3, 5, 5);
        var weight = RandomData.Tensor(TestDevices.Cpu, 2, 4, 3, 3, 3);
        var bias = RandomData.Tensor(TestDevices.Cpu, 3, 4);
        weight.RequiresGrad = true;
        var y = Conv2d.Forward(x, weight, bias);
        Tape.Backward(y, RandomData.Tensor(TestDevices.Cpu, 4, 2, 4, 5, 5));
        Assert.Multiple(() =>
        {
            Assert.That(weight.Grad, Is.Not.Null);
            Assert.That(x.Grad, Is.Null);
            Assert.That(bias.Grad, Is.Null);
        });
    }

    [TestCaseSource(nameof(AcceleratorCases))]
    public void Forward_and_backward_on_an_accelerator_match_cpu(DeviceKind kind, int kernelSize)
    {
        float[][] Run(IDevice device)
        {
            using var scope = new TensorScope();
            var x = RandomData.Tensor(device, 1, 2, 3, 7, 5);
            var weight = RandomData.Tensor(device, 2, 5, 3, kernelSize, kernelSize);
            var bias = RandomData.Tensor(device, 3, 5);
            x.RequiresGrad = weight.RequiresGrad = bias.RequiresGrad = true;
            var y = Conv2d.Forward(x, weight, bias);
            Tape.Backward(y, RandomData.Tensor(device, 4, 2, 5, 7, 5));
            return [y.ToArray(), x.Grad!.ToArray(), weight.Grad!.ToArray(), bias.Grad!.ToArray()];
        }
        var (expected, actual) = (Run(TestDevices.Cpu), Run(TestDevices.Get(kind)));
        // Sums of up to 70 products of values in [-1, 1], in different orders.
        for (int i = 0; i < 4; i++)
            TensorAssert.AreClose(expected[i], actual[i], 2e-5, 1e-5, new[] { "y", "xGrad", "weightGrad", "biasGrad" }[i]);
    }

    [Test]
    public void Mismatched_shapes_are_rejected_with_the_op_and_shapes_named()
    {
        using var scope = new TensorScope();
        var cpu = TestDevices.Cpu;
        var x = Tensor.Zeros(new Shape(2, 3, 7, 5), cpu);
        Assert.Multiple(() =>
        {
            Assert.That(() => Conv2d.Forward(x, Tensor.Zeros(new Shape(5, 4, 3, 3), cpu), null),
                Throws.ArgumentException.With.Message.Contains("Conv2d").And.Message.Contains("[5, 4, 3, 3]"));
            Assert.That(() => Conv2d.Forward(x, Tensor.Zeros(new Shape(5, 3, 2, 2), cpu), null),
                Throws.ArgumentException.With.Message.Contains("odd square"));
            Assert.That(() => Conv2d.Forward(x, Tensor.Zeros(new Shape(5, 3, 3, 3), cpu), Tensor.Zeros(new Shape(4), cpu)),
                Throws.ArgumentException.With.Message.Contains("bias [4]"));
            Assert.That(() => Conv2d.Forward(Tensor.Zeros(new Shape(3, 7, 5), cpu), Tensor.Zeros(new Shape(5, 3, 3, 3), cpu), null),
                Throws.ArgumentException.With.Message.Contains("rank 4"));
        });
    }
}
