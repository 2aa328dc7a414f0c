using Msp.Core.Data;

namespace Msp.Tests.Core.Data;

public sealed class FactorGridTests
{
    [Test]
    public void The_index_is_row_major_with_the_last_factor_fastest_as_get_index()
    {
        var grid = new FactorGrid([("a", 3), ("b", 4), ("c", 5)]);
        Assert.Multiple(() =>
        {
            Assert.That(grid.Count, Is.EqualTo(60));
            Assert.That(grid.Index([0, 0, 1]), Is.EqualTo(1));
            Assert.That(grid.Index([0, 1, 0]), Is.EqualTo(5));
            Assert.That(grid.Index([2, 3, 4]), Is.EqualTo(2 * 20 + 3 * 5 + 4));
            Assert.That(grid.IndexOf("b"), Is.EqualTo(1));
        });
    }

    [Test]
    public void The_3dshapes_grid_holds_480000_images_in_the_reference_factor_order()
    {
        var grid = ThreeDimShapes.Grid;
        Assert.That(grid.Count, Is.EqualTo(480000));
        Assert.That(grid.Names, Is.EqualTo(new[] { "floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation" }));
        Assert.That(SmallNorb.Grid.Count, Is.EqualTo(24300));
    }

    [Test]
    public void Values_off_the_grid_are_rejected_naming_the_factor()
    {
        var grid = new FactorGrid([("a", 3), ("b", 4)]);
        Assert.That(() => grid.Index([0, 4]), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("b takes values 0..3"));
        Assert.That(() => grid.Index([0]), Throws.ArgumentException);
    }
}
