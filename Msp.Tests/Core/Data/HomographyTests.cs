using Msp.Core.Data;

namespace Msp.Tests.Core.Data;

public sealed class HomographyTests
{
    private static readonly Homography Projective = new(1.2, -0.3, 4.0, 0.25, 0.9, -2.0, 0.001, -0.002, 1.1);

    [Test]
    public void Invert_undoes_the_map()
    {
        var inverse = Projective.Invert();
        foreach (var (x, y) in new[] { (0.0, 0.0), (31.0, 2.5), (-7.25, 40.0) })
        {
            var (u, v) = Projective.Apply(x, y);
            var (backX, backY) = inverse.Apply(u, v);
            // Double round trip through a well-conditioned matrix: error near machine precision times the coordinates.
            Assert.That(backX, Is.EqualTo(x).Within(1e-12));
            Assert.That(backY, Is.EqualTo(y).Within(1e-12));
        }
    }

    [Test]
    public void Apply_divides_by_the_projective_coordinate()
    {
        var (u, v) = Projective.Apply(10, 20);
        double w = 0.001 * 10 - 0.002 * 20 + 1.1;
        Assert.That(u, Is.EqualTo((1.2 * 10 - 0.3 * 20 + 4.0) / w).Within(1e-12));
        Assert.That(v, Is.EqualTo((0.25 * 10 + 0.9 * 20 - 2.0) / w).Within(1e-12));
    }

    [Test]
    public void A_singular_matrix_cannot_be_inverted() =>
        Assert.Throws<InvalidOperationException>(() => new Homography(1, 2, 3, 2, 4, 6, 0, 0, 1).Invert());
}
