using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Tensors;

namespace Msp.Core.Evaluation;

/// <summary>
/// Settings of <see cref="BlockDiagonalization.Run"/>. Epochs, batch and learning rate default to the reference's
/// (utils/optimize_bd_cob.py: 50 epochs of batch 32, Adam with learning rate 0.1). <see cref="Restarts"/> and
/// <see cref="Threshold"/> are Msp's own: the reference optimises once and its notebook picks the blocks by eye.
/// Restarts exist because the loss has local minima in which two blocks share one subspace: on the synthetic test's
/// 2 + 2 + 3 rotations, 3 of 12 random starts reach the true blocks (loss 3.2) and the rest stop near 4.2, so the
/// lowest loss of 8 starts finds them with probability 1 − 0.75⁸ ≈ 0.9.
/// </summary>
public sealed record SbdOptions(int Epochs = 50, int BatchSize = 32, double LearningRate = 0.1, ulong Seed = 0,
    int Restarts = 8, double Threshold = BlockDiagonalization.DefaultThreshold);

/// <summary>
/// What simultaneous block diagonalisation found, for d × d transitions M: the change of basis U [d, d] of the start
/// with the lowest loss; that start's mean training loss of each epoch; each start's final loss on all the matrices;
/// the means over the matrices of |U⁻¹MU| and of |U⁻¹MU − I| (both [d, d], in the original
/// coordinate order); the blocks (every coordinate in exactly one, size-1 blocks being trivial), non-trivial blocks
/// first and largest first; and <see cref="Order"/>, the coordinates block by block, for display.
/// </summary>
public sealed record SbdResult(Matrix<double> ChangeOfBasis, double[] Losses, double[] RestartLosses, Matrix<double> MeanAbs, Matrix<double> MeanMotion,
    IReadOnlyList<int[]> Blocks, double Threshold)
{
    public int[] Order => Blocks.SelectMany(b => b).ToArray();

    public int[] BlockSizes => Blocks.Select(b => b.Length).ToArray();

    public IEnumerable<int[]> NonTrivialBlocks => Blocks.Where(b => b.Length > 1);
}

/// <summary>
/// Simultaneous block diagonalisation of learned transitions (the reference's optimize_bd_cob): one change of basis U
/// such that every X = U⁻¹MU is as close to block diagonal as the matrices allow, the blocks being the disentangled
/// factors. Runs on the host in double: the matrices are at most dim_a × dim_a (≤ 64), far too small for a device.
/// The gradient is written by hand (no tape) and checked against finite differences in the tests.
/// </summary>
public static class BlockDiagonalization
{
    /// <summary>
    /// A coupling counts when it is at least this fraction of the strongest one: learned transitions are only nearly
    /// block diagonal, and a tenth keeps the few-percent leakage between blocks out while keeping blocks whose factor
    /// moves several times less than the fastest one.
    /// </summary>
    public const double DefaultThreshold = 0.1;

    // The reference adds 1e-10 under the square root of the degree (utils/laplacian.py), so an empty row gives 0, not NaN.
    private const double DegreeEpsilon = 1e-10;

    /// <summary>Optimises U for <paramref name="matrices"/> (each [d, d]) and groups the coordinates into blocks.</summary>
    public static SbdResult Run(IReadOnlyList<Matrix<double>> matrices, SbdOptions options)
    {
        int d = CheckMatrices(matrices);
        if (options.Epochs < 1 || options.BatchSize < 1 || options.Restarts < 1)
            throw new ArgumentException($"Block diagonalisation needs at least one epoch, a batch of at least one and at least one start, got {options.Epochs} epochs, batch {options.BatchSize} and {options.Restarts} restarts.");
        if (!(options.LearningRate > 0 && double.IsFinite(options.LearningRate)))
            throw new ArgumentException($"Block diagonalisation: the learning rate must be positive and finite, got {options.LearningRate}.");
        CheckThreshold(options.Threshold);

        var rng = new Rng(options.Seed);
        var runs = Enumerable.Range(0, options.Restarts).Select(_ => Optimise(matrices, options, rng.Fork())).ToList();
        var restartLosses = runs.Select(r => Loss(r.U, matrices)).ToArray();
        var best = runs[Array.IndexOf(restartLosses, restartLosses.Min())];
        var (meanAbs, meanMotion) = Means(best.U, matrices);
        return new SbdResult(best.U, best.Losses, restartLosses, meanAbs, meanMotion, FindBlocks(meanMotion, options.Threshold), options.Threshold);
    }

    /// <summary>One run of the reference's optimisation from a random orthogonal U: returns U and each epoch's mean loss.</summary>
    private static (Matrix<double> U, double[] Losses) Optimise(IReadOnlyList<Matrix<double>> matrices, SbdOptions options, Rng rng)
    {
        int d = matrices[0].RowCount;
        var u = RandomOrthogonal(d, rng.Fork());
        var shuffle = rng.Fork();
        var adam = new AdamState(d);
        var order = Enumerable.Range(0, matrices.Count).ToArray();
        var losses = new double[options.Epochs];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            // Like the reference's DataLoader(shuffle=True): a fresh permutation each epoch, the last batch possibly short.
            shuffle.Shuffle(order.AsSpan());
            double total = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                var batch = order.Skip(start).Take(options.BatchSize).Select(i => matrices[i]).ToList();
                var uGrad = Matrix<double>.Build.Dense(d, d);
                double loss = Loss(u, batch, uGrad);
                if (!double.IsFinite(loss) || !uGrad.Enumerate().All(double.IsFinite))
                    throw new ArithmeticException($"Block diagonalisation diverged in epoch {epoch + 1} (loss {loss}): U became singular. Try a smaller learning rate or another seed.");
                adam.Step(u, uGrad, options.LearningRate);
                total += loss * batch.Count;
            }
            losses[epoch] = total / order.Length;
        }
        return (u, losses);
    }

    /// <summary>
    /// The reference's loss, the mean over <paramref name="batch"/> of the trace norm of the normalised Laplacian of
    /// A = |X|ᵀ|X|, X = U⁻¹MU. When <paramref name="uGrad"/> is given, dLoss/dU is added into it.
    /// </summary>
    public static double Loss(Matrix<double> u, IReadOnlyList<Matrix<double>> batch, Matrix<double>? uGrad = null)
    {
        var inverse = u.Inverse();
        double sum = 0;
        foreach (var m in batch)
        {
            var x = inverse * m * u;
            var abs = x.PointwiseAbs();
            var affinity = abs.TransposeThisAndMultiply(abs);
            var degree = affinity.RowSums();
            sum += TraceNormOfNormalizedLaplacian(affinity);
            if (uGrad is null)
                continue;

            // f = Σ_i (d_i − A_ii) / (d_i + ε) with d_i = Σ_j A_ij (see TraceNormOfNormalizedLaplacian):
            // ∂f/∂A_ij = (A_ii + ε) / (d_i + ε)² through d_i, and −1 / (d_i + ε) more on the diagonal.
            var affinityGrad = Matrix<double>.Build.Dense(x.RowCount, x.RowCount, (i, j) =>
                (affinity[i, i] + DegreeEpsilon) / Square(degree[i] + DegreeEpsilon) - (i == j ? 1 / (degree[i] + DegreeEpsilon) : 0));
            // A = PᵀP with P = |X|: ∂f/∂P = P(G_A + G_Aᵀ); then |·| passes sign(X) (0 at 0, as torch.abs).
            var xGrad = (abs * (affinityGrad + affinityGrad.Transpose())).PointwiseMultiply(x.PointwiseSign());
            // X = U⁻¹MU: dX = −U⁻¹ dU X + U⁻¹M dU, so ∂f/∂U = −U⁻ᵀ G Xᵀ + Mᵀ U⁻ᵀ G.
            var w = inverse.TransposeThisAndMultiply(xGrad);
            uGrad.Add((m.TransposeThisAndMultiply(w) - w.TransposeAndMultiply(x)) / batch.Count, uGrad);
        }
        return sum / batch.Count;
    }

    /// <summary>
    /// Σ singular values of L = D^−½(D − A)D^−½, D = diag(row sums of A), for a symmetric non-negative A (an |X|ᵀ|X|).
    /// D − A is then a graph Laplacian, positive semi-definite, and so is its congruence L: its singular values are its
    /// eigenvalues, and their sum is its trace, Σ_i (d_i − A_ii) / (d_i + ε). That needs no SVD and has a simple
    /// gradient; a test checks it against MathNet's SVD.
    /// </summary>
    public static double TraceNormOfNormalizedLaplacian(Matrix<double> affinity)
    {
        var degree = affinity.RowSums();
        double trace = 0;
        for (int i = 0; i < affinity.RowCount; i++)
            trace += (degree[i] - affinity[i, i]) / (degree[i] + DegreeEpsilon);
        return trace;
    }

    /// <summary>
    /// A d × d orthogonal matrix as torch.nn.init.orthogonal_ makes it: Q of the QR of a standard normal matrix, each
    /// column multiplied by the sign of R's diagonal entry so that Q is uniformly distributed (Haar).
    /// </summary>
    public static Matrix<double> RandomOrthogonal(int d, Rng rng)
    {
        var gaussian = Matrix<double>.Build.Dense(d, d, (_, _) => rng.Normal());
        var qr = gaussian.QR();
        var q = qr.Q.Clone();
        for (int j = 0; j < d; j++)
            if (qr.R[j, j] < 0)
                q.SetColumn(j, -q.Column(j));
        return q;
    }

    /// <summary>
    /// Groups coordinates into blocks from <paramref name="meanMotion"/> (the mean of |U⁻¹MU − I|): i and j are coupled
    /// when the symmetrised W_ij = (B_ij + B_ji)/2 exceeds <paramref name="threshold"/> times the largest off-diagonal W,
    /// and the blocks are the connected components of that graph.
    /// </summary>
    /// <remarks>
    /// Why |X − I| and not |X| or |X|ᵀ|X|: the identity part of a transition (cos θ on the diagonal of a rotation block)
    /// couples nothing, yet it dominates |X|; for a small angle the normalised affinity A_ij/√(A_ii A_jj) of |X|ᵀ|X| is
    /// only about sin 2θ, so slow factors would fall below any threshold that also rejects leakage. Without the identity
    /// the off-diagonal sin θ is the whole signal. It is also what the reference notebook shows (mean |I − U⁻¹MU|).
    /// Why one global scale rather than one per coordinate: a coordinate that hardly moves couples to others only
    /// through noise, and a per-coordinate scale would make that noise look strong and pair such coordinates up.
    /// Symmetrised because U⁻¹MU may scale a block's two off-diagonals unequally (U's columns have no fixed length).
    /// </remarks>
    public static IReadOnlyList<int[]> FindBlocks(Matrix<double> meanMotion, double threshold = DefaultThreshold)
    {
        CheckThreshold(threshold);
        int d = meanMotion.RowCount;
        if (meanMotion.ColumnCount != d)
            throw new ArgumentException($"FindBlocks needs a square mean |U⁻¹MU − I|, got {meanMotion.RowCount} × {meanMotion.ColumnCount}.");
        var coupling = (meanMotion + meanMotion.Transpose()) / 2;
        double strongest = 0;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (i != j)
                    strongest = Math.Max(strongest, coupling[i, j]);

        var parent = Enumerable.Range(0, d).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++)
                if (strongest > 0 && coupling[i, j] > threshold * strongest)
                    parent[Root(i)] = Root(j);

        return Enumerable.Range(0, d).GroupBy(Root)
            .Select(g => g.Order().ToArray())
            .OrderByDescending(b => b.Length).ThenBy(b => b[0])
            .ToList();
    }

    /// <summary>The means over the matrices of |U⁻¹MU| and |U⁻¹MU − I|.</summary>
    public static (Matrix<double> MeanAbs, Matrix<double> MeanMotion) Means(Matrix<double> u, IReadOnlyList<Matrix<double>> matrices)
    {
        int d = CheckMatrices(matrices);
        var inverse = u.Inverse();
        var identity = Matrix<double>.Build.DenseIdentity(d);
        var meanAbs = Matrix<double>.Build.Dense(d, d);
        var meanMotion = Matrix<double>.Build.Dense(d, d);
        foreach (var m in matrices)
        {
            var x = inverse * m * u;
            meanAbs.Add(x.PointwiseAbs(), meanAbs);
            meanMotion.Add((x - identity).PointwiseAbs(), meanMotion);
        }
        return (meanAbs / matrices.Count, meanMotion / matrices.Count);
    }

    private static int CheckMatrices(IReadOnlyList<Matrix<double>> matrices)
    {
        if (matrices.Count == 0)
            throw new ArgumentException("Block diagonalisation needs at least one matrix, got none.");
        int d = matrices[0].RowCount;
        for (int i = 0; i < matrices.Count; i++)
        {
            var m = matrices[i];
            if (m.RowCount != d || m.ColumnCount != d)
                throw new ArgumentException($"Block diagonalisation needs square matrices of one size: matrix 0 is {d} × {matrices[0].ColumnCount}, matrix {i} is {m.RowCount} × {m.ColumnCount}.");
            if (!m.Enumerate().All(double.IsFinite))
                throw new ArgumentException($"Block diagonalisation: matrix {i} has a NaN or infinite entry; the model that produced it has diverged.");
        }
        return d;
    }

    private static void CheckThreshold(double threshold)
    {
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold,
                "The block threshold is a fraction of the strongest coupling and must lie strictly between 0 and 1 (default 0.1).");
    }

    private static double Square(double x) => x * x;

    /// <summary>
    /// torch.optim.Adam (β = 0.9, 0.999, ε = 1e-8, no weight decay) for the one parameter U, in double. Msp.Core.Optim's
    /// Adam updates float tensors on a device; this is a few lines and keeps the whole optimisation in double.
    /// </summary>
    private sealed class AdamState(int d)
    {
        private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
        private readonly Matrix<double> _firstMoment = Matrix<double>.Build.Dense(d, d);
        private readonly Matrix<double> _secondMoment = Matrix<double>.Build.Dense(d, d);
        private int _step;

        public void Step(Matrix<double> parameter, Matrix<double> grad, double learningRate)
        {
            _step++;
            double stepSize = learningRate / (1 - Math.Pow(Beta1, _step));
            double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, _step));
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                {
                    double g = grad[i, j];
                    double m = _firstMoment[i, j] = Beta1 * _firstMoment[i, j] + (1 - Beta1) * g;
                    double v = _secondMoment[i, j] = Beta2 * _secondMoment[i, j] + (1 - Beta2) * g * g;
                    parameter[i, j] -= stepSize * m / (Math.Sqrt(v) / biasCorrection2Sqrt + Epsilon);
                }
        }
    }
}
