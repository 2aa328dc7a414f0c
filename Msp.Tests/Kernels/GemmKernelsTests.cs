using ILGPU;
using ILGPU.Runtime;
using Msp.Core.Devices;
using Msp.Kernels;
using Msp.Tests.Support;

namespace Msp.Tests.Kernels;

public sealed unsafe class GemmKernelsTests
{
    private static readonly (int M, int N, int K)[] OddSizes = [(1, 1, 1), (7, 17, 33), (65, 33, 17), (17, 65, 7), (33, 7, 65), (6, 16, 1), (13, 40, 300)];

    private static IEnumerable<TestCaseData> SizesAndTransposes() =>
        from size in OddSizes
        from transposeA in new[] { false, true }
        from transposeB in new[] { false, true }
        select new TestCaseData(new GemmShape(2, size.M, size.N, size.K, transposeA, transposeB))
            .SetName($"{size.M}x{size.N}x{size.K} tA={transposeA} tB={transposeB}");

    private static IEnumerable<TestCaseData> IlgpuKinds() =>
        from kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda } select new TestCaseData(kind).SetName($"on {kind}");

    /// <summary>C = alpha·op(A)·op(B) + beta·C by the plain triple loop in double: the reference every path is checked against.</summary>
    internal static float[] Reference(float[] a, float[] b, GemmShape s, float alpha, float beta, float[] c)
    {
        var result = (float[])c.Clone();
        for (int batch = 0; batch < s.BatchCount; batch++)
            for (int i = 0; i < s.M; i++)
                for (int j = 0; j < s.N; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < s.K; p++)
                    {
                        double av = a[batch * s.BatchStrideA + (s.TransposeA ? p * s.M + i : i * s.K + p)];
                        double bv = b[batch * s.BatchStrideB + (s.TransposeB ? j * s.K + p : p * s.N + j)];
                        sum += av * bv;
                    }
                    int index = batch * s.BatchStrideC + i * s.N + j;
                    result[index] = (float)(alpha * sum + (beta == 0f ? 0.0 : beta * (double)c[index]));
                }
        return result;
    }

    // float32 sums of K products of values in [-1, 1] drift from the double sum by at most ~K·2⁻²⁴ ≈ 6e-8·K.
    private static double AbsoluteTolerance(GemmShape s) => 2e-6 * (s.K + 1);

    /// <summary>Random A and B; C random too, or all NaN when the product must not read it.</summary>
    private static (float[] A, float[] B, float[] C) Operands(GemmShape s, int seed, bool nanC)
    {
        var c = nanC ? Enumerable.Repeat(float.NaN, (int)s.SizeC).ToArray() : RandomData.Uniform((int)s.SizeC, seed + 2);
        return (RandomData.Uniform((int)s.SizeA, seed), RandomData.Uniform((int)s.SizeB, seed + 1), c);
    }

    private static void CheckCpu(GemmShape s, float alpha, float beta, Action<float[], float[], float[]> multiply, int seed = 1)
    {
        // beta = 0 runs start from NaN so that any read of C shows up.
        var (a, b, c) = Operands(s, seed, nanC: beta == 0f);
        var expected = Reference(a, b, s, alpha, beta, c);
        multiply(a, b, c);
        TensorAssert.AreClose(expected, c, AbsoluteTolerance(s), 1e-5, s.ToString());
    }

    [TestCaseSource(nameof(SizesAndTransposes))]
    public void Multiply_matches_the_triple_loop(GemmShape s) =>
        CheckCpu(s, 1f, 0f, (a, b, c) => GemmKernels.Multiply(a, b, s, 1f, 0f, c));

    [TestCaseSource(nameof(SizesAndTransposes))]
    public void MultiplySerial_matches_the_triple_loop(GemmShape s) =>
        CheckCpu(s, 1f, 0f, (a, b, c) => GemmKernels.MultiplySerial(a, b, s, 1f, 0f, c));

    [TestCaseSource(nameof(SizesAndTransposes))]
    public void Portable_micro_kernel_matches_the_triple_loop(GemmShape s) =>
        CheckCpu(s, 0.5f, -2f, (a, b, c) =>
        {
            fixed (float* ap = a, bp = b, cp = c)
                GemmKernels.MultiplySerial<GemmKernels.PortableMicroKernel>(ap, bp, s, 0.5f, -2f, cp);
        });

    [TestCase(false, true)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void Shared_operands_serve_every_batch_entry(bool shareA, bool shareB)
    {
        var s = new GemmShape(3, 19, 23, 11, TransposeA: shareA, ShareA: shareA, ShareB: shareB);
        CheckCpu(s, 1f, 0f, (a, b, c) => GemmKernels.Multiply(a, b, s, 1f, 0f, c));
    }

    [TestCase(0.5f, -2f)]
    [TestCase(1f, 1f)]
    [TestCase(-1f, 0f)]
    public void Alpha_and_beta_scale_the_product_and_the_old_c(float alpha, float beta)
    {
        var s = new GemmShape(2, 29, 37, 41, TransposeB: true);
        CheckCpu(s, alpha, beta, (a, b, c) => GemmKernels.Multiply(a, b, s, alpha, beta, c));
    }

    [TestCase(false, false)]
    [TestCase(true, true)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    public void Products_larger_than_every_cache_block_match(bool transposeA, bool transposeB)
    {
        // 151 > 144 rows, 3073 > 3072 columns, 257 > 256 depth: every block loop takes a second, partial step.
        var s = new GemmShape(1, 151, 3073, 257, transposeA, transposeB);
        CheckCpu(s, 1f, 0.5f, (a, b, c) => GemmKernels.Multiply(a, b, s, 1f, 0.5f, c));
    }

    [Test]
    public void An_empty_inner_dimension_only_scales_c()
    {
        var s = new GemmShape(2, 5, 7, 0);
        CheckCpu(s, 1f, 0.25f, (a, b, c) => GemmKernels.Multiply(a, b, s, 1f, 0.25f, c));
    }

    [Test]
    public void Short_operands_are_rejected()
    {
        var s = new GemmShape(2, 3, 4, 5);
        Assert.That(() => GemmKernels.Multiply(new float[29], new float[40], s, 1f, 0f, new float[24]),
            Throws.ArgumentException.With.Message.Contains("GEMM"));
    }

    [Test]
    public void RepeatRows_and_SumRows_broadcast_and_reduce_rows()
    {
        var row = RandomData.Uniform(5, seed: 3);
        var y = new float[15];
        GemmKernels.RepeatRows(row, y);
        Assert.That(y, Is.EqualTo(row.Concat(row).Concat(row).ToArray()));
        var sums = new float[] { 1f, 1f, 1f, 1f, 1f };
        GemmKernels.SumRows(y, sums);
        TensorAssert.AreClose(row.Select(v => 1f + 3f * v).ToArray(), sums, 1e-6, 1e-6, "sums");
    }

    private static IEnumerable<TestCaseData> IlgpuShapes() =>
        from kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda }
        from s in new[]
        {
            new GemmShape(2, 17, 70, 20),
            new GemmShape(2, 17, 70, 20, TransposeA: true),
            new GemmShape(1, 70, 9, 33, TransposeB: true),
            new GemmShape(2, 9, 17, 5, TransposeA: true, TransposeB: true),
            new GemmShape(3, 65, 9, 5, ShareA: true),
            new GemmShape(3, 7, 5, 19, TransposeB: true, ShareB: true),
        }
        select new TestCaseData(kind, s).SetName($"{Describe(s)} on {kind}");

    private static string Describe(GemmShape s) =>
        $"{s.BatchCount}x({s.M}x{s.N}x{s.K}) tA={s.TransposeA} tB={s.TransposeB} shareA={s.ShareA} shareB={s.ShareB}";

    [TestCaseSource(nameof(IlgpuShapes))]
    public void Tiled_kernel_matches_the_triple_loop(DeviceKind kind, GemmShape s)
    {
        var accelerator = ((IlgpuDevice)TestDevices.Get(kind)).Accelerator;
        var (a, b, c) = Operands(s, seed: 5, nanC: false);
        var expected = Reference(a, b, s, 0.5f, -2f, c);
        using var aBuffer = accelerator.Allocate1D(a);
        using var bBuffer = accelerator.Allocate1D(b);
        using var cBuffer = accelerator.Allocate1D(c);
        GemmKernels.Multiply(accelerator, aBuffer.View, bBuffer.View, s, 0.5f, -2f, cBuffer.View);
        // A GPU may fuse the multiply-adds, so the kernel is held to the CPU path's tolerance rather than bit equality.
        TensorAssert.AreClose(expected, cBuffer.GetAsArray1D(), AbsoluteTolerance(s), 1e-5, s.ToString());
    }

    [TestCaseSource(nameof(IlgpuKinds))]
    public void RepeatRows_and_SumRows_kernels_match_their_twins(DeviceKind kind)
    {
        var accelerator = ((IlgpuDevice)TestDevices.Get(kind)).Accelerator;
        var row = RandomData.Uniform(7, seed: 8);
        var x = RandomData.Uniform(35, seed: 9);
        var expectedRows = new float[21];
        var expectedSums = RandomData.Uniform(7, seed: 10);
        using var rowBuffer = accelerator.Allocate1D(row);
        using var yBuffer = accelerator.Allocate1D<float>(21);
        using var xBuffer = accelerator.Allocate1D(x);
        using var sumBuffer = accelerator.Allocate1D(expectedSums);
        GemmKernels.RepeatRows(row, expectedRows);
        GemmKernels.SumRows(x, expectedSums);
        GemmKernels.RepeatRows(accelerator, rowBuffer.View, yBuffer.View);
        GemmKernels.SumRows(accelerator, xBuffer.View, sumBuffer.View);
        Assert.That(yBuffer.GetAsArray1D(), Is.EqualTo(expectedRows));
        TensorAssert.AreClose(expectedSums, sumBuffer.GetAsArray1D(), 1e-6, 1e-6, "sums");
    }
}
