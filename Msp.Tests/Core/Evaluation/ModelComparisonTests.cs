using Msp.Core.Evaluation;

namespace Msp.Tests.Core.Evaluation;

public sealed class ModelComparisonTests
{
    private static HorizonReport Prediction(int horizon, double scale) =>
        new(2, 10, Enumerable.Range(1, horizon).Select(h => scale * h).ToArray(), Enumerable.Repeat(70.0, horizon).ToArray(), Enumerable.Repeat(65.0, horizon).ToArray());

    private static EquivarianceReport Equivariance(int horizon, double own, double swapped, double? swappedAtFirst = null)
    {
        var swappedMeans = Enumerable.Repeat(swapped, horizon).ToArray();
        swappedMeans[0] = swappedAtFirst ?? swapped;
        return new(2, 3, 32, Enumerable.Repeat(own, horizon).ToArray(), new double[horizon], swappedMeans, new double[horizon]);
    }

    [TestCase(8, new[] { 1, 2, 4, 8 })]
    [TestCase(5, new[] { 1, 2, 4, 5 })]
    [TestCase(1, new[] { 1 })]
    public void The_table_shows_doubling_horizons_and_the_last(int horizon, int[] expected)
    {
        var comparison = new ModelComparison([new ComparedModel("a", "SeqAELSTSQ", Prediction(horizon, 1), null, "none")]);
        Assert.That(comparison.TableHorizons(), Is.EqualTo(expected));
    }

    [Test]
    public void The_table_gives_the_swapped_to_own_ratio_and_says_why_a_model_has_none()
    {
        var comparison = new ModelComparison([
            new ComparedModel("msp", "SeqAELSTSQ", Prediction(4, 10), Equivariance(4, 40, 42), null),
            // Swapping hurts at horizon 1 (ratio 3) and no longer at 4, where the rollout has faded.
            new ComparedModel("neural-m", "SeqAENeuralM", Prediction(4, 20), Equivariance(4, 50, 50, swappedAtFirst: 150), null),
            new ComparedModel("neural-trans", "SeqAENeuralTransition", Prediction(4, 30), null, "no M here."),
        ]);
        var lines = comparison.ToText().Split('\n');
        Assert.That(lines.Single(l => l.StartsWith("msp ", StringComparison.Ordinal)), Does.Contain(" 40.0 ").And.Contain(" 42.0 ").And.EndWith("1.05"));
        Assert.That(lines.Single(l => l.StartsWith("neural-m ", StringComparison.Ordinal)), Does.Contain(" 150.0 ").And.Contain(" 3.00 ").And.EndWith("1.00"));
        Assert.That(lines[1], Does.Contain("own h=1").And.Contain("own h=4"));
        Assert.That(lines.Single(l => l.StartsWith("neural-trans ", StringComparison.Ordinal)), Does.EndWith("n/a"));
        Assert.That(lines.Count(l => l == "n/a: neural-trans: no M here."), Is.EqualTo(1));
        Assert.That(lines.Single(l => l.StartsWith("black frame", StringComparison.Ordinal)), Does.EndWith("65.0"));
        // Horizon 4 of the first model: 10·4; its CSV row has empty equivariance fields only for the model without M.
        var csv = comparison.ToCsv().Split('\n');
        Assert.That(csv, Does.Contain("msp,SeqAELSTSQ,4,40.0000,70.0000,65.0000,40.0000,42.0000"));
        Assert.That(csv, Does.Contain("neural-trans,SeqAENeuralTransition,4,120.0000,70.0000,65.0000,,"));
    }
}
