using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Evaluation;
using Msp.Core.Tensors;

namespace Msp.Tests.Core.Evaluation;

public sealed class BlockDiagonalizationTests
{
    private static Matrix<double> Gaussian(int rows, int columns, Rng rng) => Matrix<double>.Build.Dense(rows, columns, (_, _) => rng.Normal());

    /// <summary>An orthogonal matrix plus a little noise: invertible with a condition number of a few.</summary>
    private static Matrix<double> WellConditioned(int d, Rng rng) => BlockDiagonalization.RandomOrthogonal(d, rng) + 0.2 * Gaussian(d, d, rng) / Math.Sqrt(d);

    [Test]
    public void Gradient_matches_central_finite_differences()
    {
        var rng = new Rng(3);
        const int d = 5;
        var u = WellConditioned(d, rng);
        var batch = Enumerable.Range(0, 3).Select(_ => Gaussian(d, d, rng)).ToList();
        var uGrad = Matrix<double>.Build.Dense(d, d);
        BlockDiagonalization.Loss(u, batch, uGrad);

        const double step = 1e-6;
        var numeric = Matrix<double>.Build.Dense(d, d, (i, j) =>
        {
            var plus = u.Clone();
            var minus = u.Clone();
            plus[i, j] += step;
            minus[i, j] -= step;
            return (BlockDiagonalization.Loss(plus, batch) - BlockDiagonalization.Loss(minus, batch)) / (2 * step);
        });
        // Gaussian entries of X are far from |x|'s kink at 0, so the loss is smooth here: central differences with step
        // 1e-6 are exact to ~1e-9 (truncation h² plus rounding 1e-16/h), which 1e-6 of the largest entry leaves room for.
        double scale = numeric.Enumerate().Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(1e-3), "the loss must depend on U for the check to mean anything");
        Assert.That((uGrad - numeric).Enumerate().Max(Math.Abs), Is.LessThan(1e-6 * scale));
    }

    [Test]
    public void Trace_of_the_normalized_laplacian_equals_its_sum_of_singular_values()
    {
        var rng = new Rng(5);
        var x = Gaussian(6, 6, rng);
        x.ClearColumn(4); // a coordinate nothing reaches: its degree is 0 and only the reference's 1e-10 keeps L finite
        var abs = x.PointwiseAbs();
        var affinity = abs.TransposeThisAndMultiply(abs);
        var degree = affinity.RowSums();
        var scale = Matrix<double>.Build.DenseDiagonal(6, 6, i => 1 / Math.Sqrt(1e-10 + degree[i]));
        var laplacian = scale * (Matrix<double>.Build.DenseDiagonal(6, 6, i => degree[i]) - affinity) * scale;
        double singularValueSum = laplacian.Svd(computeVectors: false).S.Sum();

        // Both are sums of six O(1) numbers in double; SVD's own rounding is ~1e-15 each.
        Assert.That(BlockDiagonalization.TraceNormOfNormalizedLaplacian(affinity), Is.EqualTo(singularValueSum).Within(1e-12));
        Assert.That(singularValueSum, Is.GreaterThan(1), "a dense affinity has a Laplacian far from zero");
    }

    [Test]
    public void Recovers_known_blocks_of_rotations_seen_through_a_random_basis()
    {
        var rng = new Rng(11);
        int[][] trueBlocks = [[0, 1], [2, 3], [4, 5, 6]];
        const int d = 7;
        var basis = WellConditioned(d, rng);
        var inverse = basis.Inverse();
        var matrices = Enumerable.Range(0, 128).Select(_ =>
        {
            var blocks = Matrix<double>.Build.Dense(d, d);
            blocks.SetSubMatrix(0, 0, Rotation2(rng.Uniform(-1.5, 1.5)));
            blocks.SetSubMatrix(2, 2, Rotation2(rng.Uniform(-1.5, 1.5)));
            blocks.SetSubMatrix(4, 4, Rotation3(rng));
            return basis * blocks * inverse;
        }).ToList();

        var result = BlockDiagonalization.Run(matrices, new SbdOptions(Seed: 1));

        Assert.That(result.BlockSizes, Is.EqualTo(new[] { 3, 2, 2 }), $"blocks found: {Describe(result.Blocks)}");
        Assert.That(result.Losses[^1], Is.LessThan(result.Losses[0]), "the optimisation lowers the loss");
        // U maps found coordinates to true ones through C = basis⁻¹ U: a found block must draw on exactly one true block,
        // i.e. its columns of C vanish outside that block's rows. 2% allows an optimisation of 50 epochs that is close to,
        // not at, the exact block diagonal; a wrong grouping mixes blocks at order 1.
        var c = inverse * result.ChangeOfBasis;
        var matched = new List<int[]>();
        foreach (var found in result.Blocks)
        {
            var columns = Matrix<double>.Build.DenseOfColumnVectors(found.Select(c.Column));
            var truth = trueBlocks.MaxBy(t => t.Sum(row => columns.Row(row).L2Norm()))!;
            double inside = truth.Sum(row => columns.Row(row).L2Norm());
            double outside = Enumerable.Range(0, d).Except(truth).Sum(row => columns.Row(row).L2Norm());
            Assert.That(outside, Is.LessThan(0.02 * inside), $"found block [{string.Join(", ", found)}] mixes true blocks");
            matched.Add(truth);
        }
        Assert.That(matched.Distinct().Count(), Is.EqualTo(3), "each true block is found once");
    }

    [Test]
    public void Is_deterministic_given_a_seed()
    {
        var rng = new Rng(2);
        var matrices = Enumerable.Range(0, 40).Select(_ => Gaussian(4, 4, rng)).ToList();
        var options = new SbdOptions(Epochs: 3, Seed: 7, Restarts: 2);
        var first = BlockDiagonalization.Run(matrices, options);
        var again = BlockDiagonalization.Run(matrices, options);
        var other = BlockDiagonalization.Run(matrices, options with { Seed = 8 });
        Assert.That(again.ChangeOfBasis.Enumerate(), Is.EqualTo(first.ChangeOfBasis.Enumerate()));
        Assert.That(again.Losses, Is.EqualTo(first.Losses));
        Assert.That(other.ChangeOfBasis.Enumerate(), Is.Not.EqualTo(first.ChangeOfBasis.Enumerate()));
    }

    [Test]
    public void Keeps_the_start_with_the_lowest_loss()
    {
        var rng = new Rng(6);
        var matrices = Enumerable.Range(0, 40).Select(_ => Gaussian(4, 4, rng)).ToList();
        var result = BlockDiagonalization.Run(matrices, new SbdOptions(Epochs: 3, Seed: 7, Restarts: 4));
        Assert.That(result.RestartLosses, Has.Length.EqualTo(4));
        Assert.That(result.RestartLosses.Distinct().Count(), Is.EqualTo(4), "each start begins from its own U");
        Assert.That(BlockDiagonalization.Loss(result.ChangeOfBasis, matrices), Is.EqualTo(result.RestartLosses.Min()));
    }

    [Test]
    public void Random_orthogonal_is_orthogonal()
    {
        var q = BlockDiagonalization.RandomOrthogonal(6, new Rng(4));
        Assert.That((q.TransposeThisAndMultiply(q) - Matrix<double>.Build.DenseIdentity(6)).Enumerate().Max(Math.Abs), Is.LessThan(1e-12));
    }

    [Test]
    public void The_threshold_decides_whether_a_weak_coupling_joins_two_blocks()
    {
        // Coordinates 0–1 couple strongly (1.0), 2–3 weakly (0.3), 1–2 leak (0.05); 4 does not move.
        var motion = Matrix<double>.Build.Dense(5, 5);
        (motion[0, 1], motion[1, 0]) = (1.0, 1.0);
        (motion[2, 3], motion[3, 2]) = (0.5, 0.1); // symmetrised: 0.3
        motion[1, 2] = 0.1; // symmetrised: 0.05
        Assert.Multiple(() =>
        {
            Assert.That(BlockDiagonalization.FindBlocks(motion), Is.EqualTo(new[] { new[] { 0, 1 }, [2, 3], [4] }));
            Assert.That(BlockDiagonalization.FindBlocks(motion, threshold: 0.5), Is.EqualTo(new[] { new[] { 0, 1 }, [2], [3], [4] }));
            Assert.That(BlockDiagonalization.FindBlocks(motion, threshold: 0.01), Is.EqualTo(new[] { new[] { 0, 1, 2, 3 }, [4] }));
        });
    }

    [Test]
    public void Bad_inputs_are_clear_errors()
    {
        var square = Matrix<double>.Build.DenseIdentity(3);
        Assert.That(() => BlockDiagonalization.Run([], new SbdOptions()), Throws.ArgumentException.With.Message.Contains("at least one matrix"));
        Assert.That(() => BlockDiagonalization.Run([square, Matrix<double>.Build.DenseIdentity(4)], new SbdOptions()),
            Throws.ArgumentException.With.Message.Contains("matrix 1 is 4 × 4"));
        var broken = square.Clone();
        broken[1, 1] = double.NaN;
        Assert.That(() => BlockDiagonalization.Run([broken], new SbdOptions()), Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => BlockDiagonalization.FindBlocks(square, threshold: 1.5),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("between 0 and 1"));
    }

    private static Matrix<double> Rotation2(double angle) =>
        Matrix<double>.Build.DenseOfArray(new[,] { { Math.Cos(angle), -Math.Sin(angle) }, { Math.Sin(angle), Math.Cos(angle) } });

    /// <summary>A uniformly random 3-d rotation: a random orthogonal matrix, negated when it is a reflection (odd size).</summary>
    private static Matrix<double> Rotation3(Rng rng)
    {
        var q = BlockDiagonalization.RandomOrthogonal(3, rng);
        return q.Determinant() > 0 ? q : -q;
    }

    private static string Describe(IEnumerable<int[]> blocks) => string.Join(" ", blocks.Select(b => $"[{string.Join(",", b)}]"));
}
