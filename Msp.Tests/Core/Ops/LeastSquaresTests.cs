using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Ops;

public sealed class LeastSquaresTests
{
    // (batch, rows, a, c): a = 1, a = 16, c ≠ a, rows ≫ a; uniform [−1, 1] entries with rows ≥ 2a are well conditioned.
    private static readonly int[][] Shapes = [[3, 7, 1, 1], [2, 40, 16, 16], [3, 9, 4, 6], [2, 500, 3, 2], [1, 64, 16, 5]];

    [TestCaseSource(nameof(Shapes))]
    public void Solve_matches_a_double_precision_qr_solve(int batch, int rows, int a, int c)
    {
        var h0 = RandomData.Uniform(batch * rows * a, seed: 11);
        var h1 = RandomData.Uniform(batch * rows * c, seed: 12);
        using var scope = new TensorScope();
        var m = LeastSquares.Solve(Tensor.FromArray(h0, new Shape(batch, rows, a), TestDevices.Cpu),
            Tensor.FromArray(h1, new Shape(batch, rows, c), TestDevices.Cpu)).ToArray();

        for (int b = 0; b < batch; b++)
        {
            var expected = Matrix(h0, b, rows, a).QR().Solve(Matrix(h1, b, rows, c));
            var actual = m.AsSpan(b * a * c, a * c);
            // Gram, factor and solve run in double, so M is the exact solution rounded once to float (relative error
            // 6e-8); 4e-7 of the largest entry allows that plus the double solve's own error on these well-conditioned
            // systems, and is ~100x tighter than a float32 normal-equations solve gets.
            double scale = expected.Enumerate().Max(Math.Abs);
            TensorAssert.AreClose(Flatten(expected), actual, atol: 4e-7 * scale, rtol: 4e-7, $"M of entry {b}");
        }
    }

    [Test]
    public void Backward_matches_finite_differences() =>
        // rows 9 ≥ 3a keeps the system far from singular, so M is smooth enough for the step 1e-2 of GradCheck.
        GradCheck.Check(t => LeastSquares.Solve(t[0], t[1]),
        [
            (RandomData.Uniform(2 * 9 * 3, seed: 21), [2, 9, 3], true),
            (RandomData.Uniform(2 * 9 * 2, seed: 22), [2, 9, 2], true),
        ]);

    [Test]
    public void Backward_matches_the_pseudo_inverse_closed_form()
    {
        const int batch = 2, rows = 30, a = 6, c = 4;
        var h0Data = RandomData.Uniform(batch * rows * a, seed: 31);
        var h1Data = RandomData.Uniform(batch * rows * c, seed: 32);
        var mGradData = RandomData.Uniform(batch * a * c, seed: 33);
        var (h0Grad, h1Grad) = Gradients(TestDevices.Cpu, h0Data, h1Data, mGradData, batch, rows, a, c);

        for (int b = 0; b < batch; b++)
        {
            // An independent route in double: A⁺ from the SVD, M = A⁺Y, Z = A⁺A⁺ᵀ·mGrad, and the residual form
            // h0Grad = (Y − A·M)·Zᵀ − A⁺ᵀ·mGrad·Mᵀ, h1Grad = A⁺ᵀ·mGrad.
            var matrixA = Matrix(h0Data, b, rows, a);
            var matrixY = Matrix(h1Data, b, rows, c);
            var mGrad = Matrix(mGradData, b, a, c);
            var pseudoInverse = matrixA.PseudoInverse();
            var matrixM = pseudoInverse * matrixY;
            var z = pseudoInverse * pseudoInverse.Transpose() * mGrad;
            var expectedH0Grad = (matrixY - matrixA * matrixM) * z.Transpose() - pseudoInverse.Transpose() * mGrad * matrixM.Transpose();
            var expectedH1Grad = pseudoInverse.Transpose() * mGrad;
            // Both gradients are formed in double and rounded once to float; 1e-6 of the largest entry covers that
            // rounding and the SVD's own error.
            AssertCloseToMax(Flatten(expectedH0Grad), h0Grad.AsSpan(b * rows * a, rows * a), 1e-6, $"h0Grad of entry {b}");
            AssertCloseToMax(Flatten(expectedH1Grad), h1Grad.AsSpan(b * rows * c, rows * c), 1e-6, $"h1Grad of entry {b}");
        }
    }

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void Forward_and_backward_on_each_device_match_cpu(DeviceKind kind)
    {
        const int batch = 3, rows = 11, a = 5, c = 3;
        var h0 = RandomData.Uniform(batch * rows * a, seed: 41);
        var h1 = RandomData.Uniform(batch * rows * c, seed: 42);
        var mGrad = RandomData.Uniform(batch * a * c, seed: 43);
        var device = TestDevices.Get(kind);
        float[] Forward(IDevice on)
        {
            using var scope = new TensorScope();
            return LeastSquares.Solve(Tensor.FromArray(h0, new Shape(batch, rows, a), on),
                Tensor.FromArray(h1, new Shape(batch, rows, c), on)).ToArray();
        }
        var expected = Gradients(TestDevices.Cpu, h0, h1, mGrad, batch, rows, a, c);
        var actual = Gradients(device, h0, h1, mGrad, batch, rows, a, c);
        // Both halves do the same double arithmetic; only summation orders (and, on CUDA, fused multiply-adds) differ,
        // which moves the float results by an ulp or so.
        AssertCloseToMax(Forward(TestDevices.Cpu), Forward(device), 1e-6, "M");
        AssertCloseToMax(expected.H0Grad, actual.H0Grad, 1e-6, "h0Grad");
        AssertCloseToMax(expected.H1Grad, actual.H1Grad, 1e-6, "h1Grad");
    }

    [TestCaseSource(typeof(TestDevices), nameof(TestDevices.AllKinds))]
    public void A_singular_entry_throws_naming_the_entry_and_the_column(DeviceKind kind)
    {
        const int batch = 3, rows = 8, a = 4, c = 2;
        var h0 = RandomData.Uniform(batch * rows * a, seed: 51);
        for (int k = 0; k < rows; k++)
            h0[(1 * rows + k) * a + 2] = h0[(1 * rows + k) * a + 0];    // entry 1: column 2 repeats column 0
        var exception = SolveExpectingSingular(TestDevices.Get(kind), h0, new Shape(batch, rows, a), c);
        Assert.Multiple(() =>
        {
            Assert.That(exception.BatchEntry, Is.EqualTo(1));
            Assert.That(exception.Column, Is.EqualTo(2));
            Assert.That(exception.Message, Does.Contain("batch entry 1 ").And.Contain("column 2").And.Contain("dim_a"));
        });
    }

    [Test]
    public void Fewer_rows_than_unknowns_throws_saying_so()
    {
        var exception = SolveExpectingSingular(TestDevices.Cpu, RandomData.Uniform(2 * 3 * 5, seed: 52), new Shape(2, 3, 5), c: 2);
        Assert.Multiple(() =>
        {
            Assert.That(exception.BatchEntry, Is.EqualTo(0));
            Assert.That(exception.Column, Is.EqualTo(3));
            Assert.That(exception.Message, Does.Contain("1 other entry is singular too").And.Contain("rows 3 < a 5"));
        });
    }

    [Test]
    public void A_collapsed_encoder_output_throws()
    {
        var exception = SolveExpectingSingular(TestDevices.Cpu, new float[2 * 6 * 3], new Shape(2, 6, 3), c: 3);
        Assert.That((exception.BatchEntry, exception.Column), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Nearly_dependent_but_well_determined_columns_solve()
    {
        const int rows = 12, a = 3;
        var h0 = RandomData.Uniform(rows * a, seed: 53);
        var noise = RandomData.Uniform(rows, seed: 54);
        for (int k = 0; k < rows; k++)
            h0[k * a + 2] = h0[k * a + 0] + 1e-3f * noise[k];    // sin θ ≈ 1e-3: far above the pivot floor
        using var scope = new TensorScope();
        var m = LeastSquares.Solve(Tensor.FromArray(h0, new Shape(1, rows, a), TestDevices.Cpu), RandomData.Tensor(TestDevices.Cpu, 55, 1, rows, 2));
        Assert.That(m.ToArray(), Has.All.Matches<float>(float.IsFinite));
    }

    [Test]
    public void Mismatched_shapes_are_rejected_with_both_shapes_named()
    {
        using var scope = new TensorScope();
        var h0 = Tensor.Zeros(new Shape(2, 5, 3), TestDevices.Cpu);
        var h1 = Tensor.Zeros(new Shape(2, 4, 3), TestDevices.Cpu);
        Assert.That(() => LeastSquares.Solve(h0, h1),
            Throws.ArgumentException.With.Message.Contains("LeastSquares.Solve").And.Message.Contains("[2, 5, 3]").And.Message.Contains("[2, 4, 3]"));
        Assert.That(() => LeastSquares.Solve(Tensor.Zeros(new Shape(10, 3), TestDevices.Cpu), h1),
            Throws.ArgumentException.With.Message.Contains("rank 3"));
    }

    [Test]
    public void A_steady_solve_and_backward_allocate_no_new_buffers()
    {
        var device = TestDevices.Cpu;
        var h0 = RandomData.Uniform(2 * 10 * 3, seed: 61);
        var h1 = RandomData.Uniform(2 * 10 * 4, seed: 62);
        var mGrad = RandomData.Uniform(2 * 3 * 4, seed: 63);
        Gradients(device, h0, h1, mGrad, 2, 10, 3, 4);
        long before = device.FreshAllocations;
        Gradients(device, h0, h1, mGrad, 2, 10, 3, 4);
        Assert.That(device.FreshAllocations, Is.EqualTo(before));
    }

    private static (float[] H0Grad, float[] H1Grad) Gradients(IDevice device, float[] h0Data, float[] h1Data, float[] mGradData,
        int batch, int rows, int a, int c)
    {
        using var scope = new TensorScope();
        var h0 = Tensor.FromArray(h0Data, new Shape(batch, rows, a), device);
        var h1 = Tensor.FromArray(h1Data, new Shape(batch, rows, c), device);
        h0.RequiresGrad = h1.RequiresGrad = true;
        var m = LeastSquares.Solve(h0, h1);
        Tape.Backward(m, Tensor.FromArray(mGradData, m.Shape, device));
        return (h0.Grad!.ToArray(), h1.Grad!.ToArray());
    }

    private static SingularSystemException SolveExpectingSingular(IDevice device, float[] h0, Shape h0Shape, int c)
    {
        using var scope = new TensorScope();
        var h1 = RandomData.Tensor(device, 59, h0Shape[0], h0Shape[1], c);
        return Assert.Throws<SingularSystemException>(() => LeastSquares.Solve(Tensor.FromArray(h0, h0Shape, device), h1))!;
    }

    private static void AssertCloseToMax(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relativeToMax, string what)
    {
        double scale = 0;
        foreach (float value in expected)
            scale = Math.Max(scale, Math.Abs(value));
        TensorAssert.AreClose(expected, actual, atol: relativeToMax * scale, rtol: relativeToMax, what);
    }

    private static Matrix<double> Matrix(float[] data, int batch, int rows, int columns) =>
        Matrix<double>.Build.Dense(rows, columns, (i, j) => data[(batch * rows + i) * columns + j]);

    private static float[] Flatten(Matrix<double> matrix) =>
        Enumerable.Range(0, matrix.RowCount * matrix.ColumnCount).Select(i => (float)matrix[i / matrix.ColumnCount, i % matrix.ColumnCount]).ToArray();
}
