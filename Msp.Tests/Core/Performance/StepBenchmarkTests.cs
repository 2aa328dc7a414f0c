using Msp.Core.Performance;

namespace Msp.Tests.Core.Performance;

public sealed class StepBenchmarkTests
{
    [Test]
    public void Timing_reports_the_median_and_the_range()
    {
        var odd = Timing.Of([5, 1, 3]);
        var even = Timing.Of([4, 1, 3, 10]);
        Assert.Multiple(() =>
        {
            Assert.That((odd.MedianMs, odd.MinMs, odd.MaxMs, odd.Repeats), Is.EqualTo((3.0, 1.0, 5.0, 3)));
            Assert.That(even.MedianMs, Is.EqualTo(3.5));
        });
    }

    [Test]
    public void Time_runs_the_warm_up_untimed_and_then_each_repeat()
    {
        int calls = 0;
        var timing = StepBenchmark.Time(() => calls++, warmup: 2, repeats: 3);
        Assert.That((calls, timing.Repeats), Is.EqualTo((5, 3)));
    }

    [Test]
    public void Workloads_count_their_flops_and_run_forward_and_backward()
    {
        using var gemm = OpWorkload.Gemm(Support.TestDevices.Cpu, 8);
        using var conv = OpWorkload.Conv3x3(Support.TestDevices.Cpu, channels: 4, side: 5, batch: 2);
        Assert.Multiple(() =>
        {
            Assert.That(gemm.Flops, Is.EqualTo(2.0 * 8 * 8 * 8));
            Assert.That(conv.Flops, Is.EqualTo(2.0 * 2 * 4 * 5 * 5 * 4 * 9));
            Assert.That(OpWorkload.EncoderSide(64), Is.EqualTo(16));
        });
        Assert.DoesNotThrow(() =>
        {
            gemm.Forward();
            gemm.ForwardBackward();
            conv.Forward();
            conv.ForwardBackward();
        });
    }
}
