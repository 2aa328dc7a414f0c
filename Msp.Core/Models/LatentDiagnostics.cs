using MathNet.Numerics.LinearAlgebra;

namespace Msp.Core.Models;

/// <summary>The reference's reported-but-not-optimised quantities, computed in double on the host.</summary>
public sealed record LatentReport(double LossBlockDiagonal, double LossOrthogonal, double LossInternal0, double LossInternalT);

/// <summary>
/// loss_bd, loss_orth and the internal latent losses of models/dynamics_models.py, from host copies of H [n, t, m, a]
/// and M* [n, a, a]. Computed only when a step is logged, so the device never waits for them otherwise.
/// </summary>
public static class LatentDiagnostics
{
    public static LatentReport Compute(float[] h, int n, int t, int m, int a, float[] mStar, bool alignment = false)
    {
        double internal0 = 0, internalT = 0;
        for (int b = 0; b < n; b++)
        {
            var transition = Square(mStar, b, a);
            for (int step = 0; step + 1 < t; step++)
            {
                var h0 = Matrix<double>.Build.Dense(m, a, (i, j) => h[((b * t + step) * m + i) * a + j]);
                var h1 = Matrix<double>.Build.Dense(m, a, (i, j) => h[((b * t + step + 1) * m + i) * a + j]);
                internal0 += (h0 - h1).Enumerate().Sum(v => v * v);
                internalT += (h0 * transition - h1).Enumerate().Sum(v => v * v);
            }
        }
        return new LatentReport(BlockDiagonalLoss(mStar, n, a, alignment), OrthogonalityLoss(mStar, n, a), internal0, internalT);
    }

    /// <summary>
    /// loss_bd: the trace norm (sum of singular values) of the normalised Laplacian D^−½(D − A)D^−½ of the affinity
    /// A = |M|ᵀ|M|, averaged over the batch (or, with alignment, of the batch-mean affinity). Small when M is (close to)
    /// block diagonal up to a permutation.
    /// </summary>
    public static double BlockDiagonalLoss(float[] mStar, int n, int a, bool alignment = false)
    {
        var affinities = Enumerable.Range(0, n).Select(b =>
        {
            var s = Square(mStar, b, a).PointwiseAbs();
            return s.TransposeThisAndMultiply(s);
        }).ToList();
        if (alignment)
        {
            var mean = affinities.Aggregate((x, y) => x + y) / n;
            return TraceNormOfNormalizedLaplacian(mean);
        }
        return affinities.Average(TraceNormOfNormalizedLaplacian);
    }

    /// <summary>Σ singular values of D^−½(D − A)D^−½ with D = diag(row sums of A); 1e-10 guards empty rows, as the reference.</summary>
    public static double TraceNormOfNormalizedLaplacian(Matrix<double> affinity)
    {
        int d = affinity.RowCount;
        var degree = affinity.RowSums();
        var laplacian = Matrix<double>.Build.DenseDiagonal(d, d, i => degree[i]) - affinity;
        var scale = Matrix<double>.Build.DenseDiagonal(d, d, i => 1 / Math.Sqrt(1e-10 + degree[i]));
        return (scale * laplacian * scale).Svd(computeVectors: false).S.Sum();
    }

    /// <summary>loss_orth: mean over the batch of ‖I − M Mᵀ‖²_F.</summary>
    public static double OrthogonalityLoss(float[] mStar, int n, int a) =>
        Enumerable.Range(0, n).Average(b =>
        {
            var m = Square(mStar, b, a);
            return (Matrix<double>.Build.DenseIdentity(a) - m.TransposeAndMultiply(m)).Enumerate().Sum(v => v * v);
        });

    private static Matrix<double> Square(float[] data, int batch, int a) =>
        Matrix<double>.Build.Dense(a, a, (i, j) => data[(batch * a + i) * a + j]);
}
