using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Models;

public sealed class LeastSquaresTransitionTests
{
    private const int Batch = 3, Frames = 3, DimM = 6, DimA = 8, Blocks = 4;

    [Test]
    public void Fixed_block_M_star_is_block_diagonal_and_each_block_is_the_least_squares_fit_of_its_columns()
    {
        using var scope = new TensorScope();
        var hData = RandomData.Uniform(Batch * Frames * DimM * DimA, seed: 11);
        var h = Tensor.FromArray(hData, new Shape(Batch, Frames, DimM, DimA), TestDevices.Cpu);
        var mStar = LeastSquaresTransition.FitBlocks(h, Blocks).ToArray();
        Assert.That(mStar, Has.Length.EqualTo(Batch * DimA * DimA));
        int width = DimA / Blocks, rows = (Frames - 1) * DimM;
        for (int b = 0; b < Batch; b++)
            for (int k = 0; k < Blocks; k++)
            {
                // The closed form, in double: (H0ᵀH0)⁻¹H0ᵀH1 on block k's columns of the stacked frame pairs.
                var h0 = Matrix<double>.Build.Dense(rows, width, (r, c) => hData[Index(b, r / DimM, r % DimM, k * width + c)]);
                var h1 = Matrix<double>.Build.Dense(rows, width, (r, c) => hData[Index(b, r / DimM + 1, r % DimM, k * width + c)]);
                var expected = (h0.TransposeThisAndMultiply(h0)).Solve(h0.TransposeThisAndMultiply(h1));
                for (int i = 0; i < DimA; i++)
                    for (int j = 0; j < DimA; j++)
                    {
                        float value = mStar[(b * DimA + i) * DimA + j];
                        bool inBlock = i / width == k && j / width == k;
                        if (inBlock)
                            // float32 inputs, double solve rounded once: agreement to float precision times the
                            // condition number of a random 12 × 2 system (well below 10).
                            Assert.That(value, Is.EqualTo(expected[i % width, j % width]).Within(1e-4), $"batch {b} block {k} ({i}, {j})");
                        else if (i / width == k)
                            Assert.That(value, Is.Zero, $"batch {b}: ({i}, {j}) lies outside the blocks");
                    }
            }
    }

    [Test]
    public void One_block_is_plain_MSP()
    {
        using var scope = new TensorScope();
        var h = RandomData.Tensor(TestDevices.Cpu, 5, Batch, Frames, DimM, DimA);
        Assert.That(LeastSquaresTransition.FitBlocks(h, 1).ToArray(), Is.EqualTo(LeastSquaresTransition.Fit(h).ToArray()));
    }

    [Test]
    public void Fixed_block_M_star_passes_gradients_back_to_H()
    {
        GradCheck.Check(t => LeastSquaresTransition.FitBlocks(t[0], 2),
            [(RandomData.Uniform(2 * 3 * 4 * 4, seed: 3), [2, 3, 4, 4], true)]);
    }

    [Test]
    public void Blocks_that_do_not_divide_dim_a_are_refused()
    {
        using var scope = new TensorScope();
        var h = RandomData.Tensor(TestDevices.Cpu, 5, Batch, Frames, DimM, DimA);
        Assert.That(() => LeastSquaresTransition.FitBlocks(h, 3), Throws.ArgumentException.With.Message.Contains("3 equal blocks"));
    }

    [Test]
    public void The_swapped_forecast_rolls_with_the_partner_sequences_M()
    {
        using var scope = new TensorScope();
        var h = RandomData.Tensor(TestDevices.Cpu, 9, Batch, Frames, DimM, DimA);
        var forecast = new LeastSquaresDynamics().Infer(h, h);
        var swapped = forecast.WithTransitions(m => Layout.Concat([Layout.Slice(m, 0, Batch - 1, 1), Layout.Slice(m, 0, 0, Batch - 1)], axis: 0))!;
        // Sequence 0 gets the M of sequence n − 1 (loss_equiv's M[arange(-1, n-1)]).
        var lastOfFirst = Layout.Slice(Layout.Slice(h, 0, 0, 1), 1, Frames - 1, 1);
        var expected = LeastSquaresTransition.Rollout(lastOfFirst, Layout.Slice(forecast.Transition!, 0, Batch - 1, 1), 2);
        Assert.That(Layout.Slice(swapped.Rollout(2), 0, 0, 1).ToArray(), Is.EqualTo(expected.ToArray()));
    }

    private static int Index(int b, int t, int m, int a) => ((b * Frames + t) * DimM + m) * DimA + a;
}
