using Msp.Core.Autodiff;
using Msp.Core.Ops;
using Msp.Core.Performance;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Performance;

public sealed class OpProfilerTests
{
    private static Tensor LinearReluSum(int seed)
    {
        var x = RandomData.Tensor(TestDevices.Cpu, seed, 4, 5);
        var weight = RandomData.Tensor(TestDevices.Cpu, seed + 1, 3, 5);
        weight.RequiresGrad = true;
        var hidden = Activations.Relu(MatMul.Linear(x, weight, null));
        return Reductions.Sum(Activations.Relu(hidden));
    }

    [Test]
    public void Names_each_recorded_op_by_its_file_and_method_and_counts_its_calls()
    {
        using var scope = new TensorScope();
        IReadOnlyList<OpTime> ops;
        using (var profiler = OpProfiler.Start())
        {
            Tape.Backward(LinearReluSum(1));
            ops = profiler.Results();
        }
        var byName = ops.ToDictionary(op => op.Op);
        Assert.Multiple(() =>
        {
            Assert.That(byName.Keys, Is.EquivalentTo(new[] { "MatMul.Linear", "Activations.Relu", "Reductions.Sum" }));
            Assert.That(byName["Activations.Relu"].Calls, Is.EqualTo(2));
            Assert.That(byName["MatMul.Linear"].Calls, Is.EqualTo(1));
            Assert.That(ops.All(op => op.ForwardMs >= 0 && op.BackwardMs >= 0), Is.True);
            Assert.That(ops.Select(op => op.TotalMs), Is.Ordered.Descending);
        });
    }

    [Test]
    public void Records_nothing_once_disposed_and_refuses_a_second_profile_on_the_thread()
    {
        using var scope = new TensorScope();
        var profiler = OpProfiler.Start();
        Assert.Throws<InvalidOperationException>(() => OpProfiler.Start());
        profiler.Dispose();
        Tape.Backward(LinearReluSum(2));
        Assert.That(profiler.Results(), Is.Empty);
        using var next = OpProfiler.Start();
        Assert.That(next.Results(), Is.Empty);
    }
}
