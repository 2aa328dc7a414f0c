using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Evaluation;
using Msp.Core.Tensors;

namespace Msp.Tests.Core.Evaluation;

public sealed class DisentanglementTests
{
    private static readonly int[][] Blocks = [[0, 1], [2, 3], [4]];

    /// <summary>U·blockdiag(R(θ1), R(θ2), s)·U⁻¹: each factor turns only its own angle (or scale), the others stay still.</summary>
    private static List<Matrix<double>> Transitions(Matrix<double> u, Rng rng, int movingBlock, int count)
    {
        var list = new List<Matrix<double>>();
        for (int n = 0; n < count; n++)
        {
            var core = Matrix<double>.Build.DenseIdentity(5);
            double angle = rng.Uniform(0.2, 0.6);
            if (movingBlock < 2)
            {
                int i = 2 * movingBlock;
                core[i, i] = core[i + 1, i + 1] = Math.Cos(angle);
                core[i, i + 1] = -Math.Sin(angle);
                core[i + 1, i] = Math.Sin(angle);
            }
            else
                core[4, 4] = 1 + angle;
            list.Add(u * core * u.Inverse());
        }
        return list;
    }

    [Test]
    public void Each_factor_that_moves_one_block_is_found_in_that_block()
    {
        var rng = new Rng(3);
        var u = Matrix<double>.Build.Dense(5, 5, (_, _) => rng.Uniform(-1, 1)) + 2 * Matrix<double>.Build.DenseIdentity(5);
        var factors = new (string, IReadOnlyList<Matrix<double>>)[]
        {
            ("first", Transitions(u, rng, 0, 20)), ("second", Transitions(u, rng, 1, 20)), ("scale", Transitions(u, rng, 2, 20)),
        };
        var report = Disentanglement.Measure(u, Blocks, factors);
        Assert.Multiple(() =>
        {
            Assert.That(report.BestBlock, Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(report.Score, Is.All.GreaterThan(0.999));
            Assert.That(report.Separates, Is.True);
            Assert.That(report.Fraction[0, 1] + report.Fraction[0, 2], Is.LessThan(1e-9));
        });
    }

    [Test]
    public void A_wrong_change_of_basis_spreads_the_motion_and_is_seen_as_such()
    {
        var rng = new Rng(4);
        var u = Matrix<double>.Build.Dense(5, 5, (_, _) => rng.Uniform(-1, 1)) + 2 * Matrix<double>.Build.DenseIdentity(5);
        var factors = new (string, IReadOnlyList<Matrix<double>>)[] { ("first", Transitions(u, rng, 0, 20)), ("second", Transitions(u, rng, 1, 20)) };
        var report = Disentanglement.Measure(Matrix<double>.Build.DenseIdentity(5), Blocks, factors);
        Assert.That(report.Score, Is.All.LessThan(0.9));
    }

    [Test]
    public void Blocks_that_do_not_partition_the_coordinates_are_rejected()
    {
        var identity = Matrix<double>.Build.DenseIdentity(3);
        Assert.That(() => Disentanglement.Measure(identity, [[0, 1]], [("f", [identity])]), Throws.ArgumentException.With.Message.Contains("partition"));
    }
}
