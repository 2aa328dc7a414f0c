using Msp.Core.Data;
using Msp.Core.Data.Rendering;

namespace Msp.Tests.Core.Data.Rendering;

public sealed class ShapesStandInTests
{
    private const int Side = 32, Plane = Side * Side;
    private static readonly int[] Base = [0, 5, 7, 3, 0, 7];
    private static readonly ShapesStandIn StandIn = new(Side);

    /// <summary>The base image with the given factors changed.</summary>
    private static float[] Render(params (int Factor, int Value)[] changes)
    {
        var values = (int[])Base.Clone();
        foreach (var (factor, value) in changes)
            values[factor] = value;
        var image = new float[3 * Plane];
        StandIn.Render(values, image);
        return image;
    }

    private static float[] Render(int factor, int value) => Render((factor, value));

    /// <summary>Pixels (y, x) whose colour differs between two images.</summary>
    private static HashSet<(int, int)> Changed(float[] a, float[] b)
    {
        var changed = new HashSet<(int, int)>();
        for (int i = 0; i < Plane; i++)
            if (Enumerable.Range(0, 3).Any(c => a[c * Plane + i] != b[c * Plane + i]))
                changed.Add((i / Side, i % Side));
        return changed;
    }

    [Test]
    public void Rendering_is_deterministic()
    {
        var again = new float[3 * Plane];
        new ShapesStandIn(Side).Render(Base, again);
        Assert.That(again, Is.EqualTo(Render()));
    }

    [Test]
    public void Each_hue_recolours_only_its_own_surface()
    {
        var baseImage = Render();
        var floor = Changed(baseImage, Render(0, 3));
        var wall = Changed(baseImage, Render(1, 2));
        var thing = Changed(baseImage, Render(2, 1));
        Assert.Multiple(() =>
        {
            // The bottom row is floor, the top row wall, the centre object.
            Assert.That(floor, Does.Contain((Side - 1, 0)).And.Not.Contain((0, 0)).And.Not.Contain((Side / 2, Side / 2)));
            Assert.That(wall, Does.Contain((0, 0)).And.Not.Contain((Side - 1, 0)).And.Not.Contain((Side / 2, Side / 2)));
            Assert.That(thing, Does.Contain((Side / 2, Side / 2)).And.Not.Contain((0, 0)).And.Not.Contain((Side - 1, 0)));
            // Surfaces only share anti-aliased edge pixels.
            Assert.That(floor.Intersect(wall).Count(), Is.LessThan(Side * 2));
            Assert.That(thing.Intersect(wall).Count() + thing.Intersect(floor).Count(), Is.LessThan(thing.Count / 2));
        });
    }

    [Test]
    public void A_surface_has_the_rgb_of_its_hue_times_one_shading_factor()
    {
        // Floor hue 0.3 is HSV (0.3, 1, 1) = (0.2, 1, 0): shading scales all channels alike.
        var image = Render(0, 3);
        int pixel = (Side - 1) * Side;
        var (red, green, blue) = ImageOps.HueToRgb(0.3);
        float shade = image[Plane + pixel] / green;
        Assert.That(image[pixel], Is.EqualTo(red * shade).Within(1e-5f));
        Assert.That(image[2 * Plane + pixel], Is.EqualTo(blue * shade).Within(1e-5f));
        Assert.That(shade, Is.InRange(0.3f, 1f));
    }

    [Test]
    public void A_larger_scale_covers_more_pixels_with_the_object()
    {
        // The object's pixels are those that recolouring the object changes.
        int ObjectPixels(int scale) => Changed(Render(3, scale), Render((3, scale), (2, 1))).Count;
        var areas = Enumerable.Range(0, 8).Select(ObjectPixels).ToArray();
        Assert.That(areas, Is.Ordered.Ascending);
        Assert.That(areas[7], Is.GreaterThan(areas[0] * 1.5));
    }

    [Test]
    public void Shape_and_orientation_change_the_picture_and_leave_the_hues()
    {
        var baseImage = Render();
        Assert.That(Changed(baseImage, Render(4, 2)), Is.Not.Empty);
        Assert.That(Changed(baseImage, Render(5, 0)), Is.Not.Empty);
        // The top-left corner is wall whatever the shape: its colour stays.
        Assert.That(Changed(baseImage, Render(4, 2)), Does.Not.Contain((0, 0)));
    }
}
