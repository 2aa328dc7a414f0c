using Msp.Core.Data;
using Msp.Core.Data.Rendering;

namespace Msp.Tests.Core.Data.Rendering;

public sealed class NorbStandInTests
{
    private const int Side = 24;

    private static float[] Render(NorbStandIn standIn, params int[] values)
    {
        var image = new float[Side * Side];
        standIn.Render(values, image);
        return image;
    }

    [Test]
    public void Every_factor_changes_the_picture_and_rendering_is_deterministic()
    {
        var standIn = new NorbStandIn(DatasetSplit.Train, Side);
        int[] baseValues = [1, 2, 0, 4, 3];
        var baseImage = Render(standIn, baseValues);
        Assert.That(Render(new NorbStandIn(DatasetSplit.Train, Side), baseValues), Is.EqualTo(baseImage));
        for (int f = 0; f < 5; f++)
        {
            var values = (int[])baseValues.Clone();
            values[f] = (values[f] + 1) % SmallNorb.Grid.Values[f];
            Assert.That(Render(standIn, values), Is.Not.EqualTo(baseImage), SmallNorb.Grid.Names[f]);
        }
    }

    [Test]
    public void The_test_split_has_other_toys_than_the_training_split()
    {
        int[] values = [0, 0, 0, 4, 0];
        Assert.That(Render(new NorbStandIn(DatasetSplit.Test, Side), values), Is.Not.EqualTo(Render(new NorbStandIn(DatasetSplit.Train, Side), values)));
    }

    [Test]
    public void Frames_are_grey_in_0_to_1()
    {
        var image = Render(new NorbStandIn(DatasetSplit.Train, Side), 2, 1, 3, 8, 17);
        Assert.That(image, Has.All.InRange(0f, 1f));
        Assert.That(image.Distinct().Count(), Is.GreaterThan(10));
    }
}
