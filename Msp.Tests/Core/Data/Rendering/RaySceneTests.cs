using System.Numerics;
using Msp.Core.Data.Rendering;

namespace Msp.Tests.Core.Data.Rendering;

public sealed class RaySceneTests
{
    private static readonly Vector3 White = Vector3.One;

    /// <summary>Float rounding of a few products and a square root.</summary>
    private const float Tolerance = 1e-5f;

    private static (float Distance, Vector3 Normal) HitFromFront(Primitive primitive)
    {
        var hit = primitive.Intersect(new Vector3(0, 0.5f, 10), -Vector3.UnitZ, 1e-3f);
        Assert.That(hit, Is.Not.Null);
        return hit!.Value;
    }

    [Test]
    public void Rays_hit_each_primitive_at_its_front_surface_with_the_outward_normal()
    {
        // A ray along −z from (0, 0.5, 10) meets each solid's face at z = depth: distance 10 − depth, normal +z.
        var cases = new (Primitive Primitive, float Depth)[]
        {
            (new SpherePrimitive(new Vector3(0, 0.5f, 0), 2, White), 2),
            (new BoxPrimitive(new Vector3(0, 0, 1), new Vector3(1, 1, 0.5f), White), 1.5f),
            (new CylinderPrimitive(new Vector3(0, 0, -1), 1.5f, 1, White), 0.5f),
            (new CapsulePrimitive(new Vector3(0, 0.5f, -3), new Vector3(0, 0.5f, 3), 0.25f, White), 3.25f),
            (new CapsulePrimitive(new Vector3(0, -1, 0), new Vector3(0, 2, 0), 0.75f, White), 0.75f),
            (new PlanePrimitive(new Vector3(0, 0, -4), Vector3.UnitZ, White), -4),
        };
        foreach (var (primitive, depth) in cases)
        {
            var (distance, normal) = HitFromFront(primitive);
            Assert.That(distance, Is.EqualTo(10 - depth).Within(Tolerance), primitive.GetType().Name);
            Assert.That(Vector3.Distance(normal, Vector3.UnitZ), Is.LessThan(Tolerance), primitive.GetType().Name);
        }
    }

    [Test]
    public void Rays_that_pass_beside_a_primitive_miss_it()
    {
        var origin = new Vector3(3, 0.5f, 10);
        Assert.Multiple(() =>
        {
            Assert.That(new SpherePrimitive(Vector3.Zero, 2, White).Intersect(origin, -Vector3.UnitZ, 1e-3f), Is.Null);
            Assert.That(new BoxPrimitive(Vector3.Zero, Vector3.One, White).Intersect(origin, -Vector3.UnitZ, 1e-3f), Is.Null);
            Assert.That(new CylinderPrimitive(Vector3.Zero, 1, 1, White).Intersect(origin, -Vector3.UnitZ, 1e-3f), Is.Null);
            Assert.That(new CapsulePrimitive(Vector3.Zero, Vector3.UnitY, 1, White).Intersect(origin, -Vector3.UnitZ, 1e-3f), Is.Null);
            // Behind the ray's origin does not count.
            Assert.That(new SpherePrimitive(new Vector3(0, 0.5f, 20), 1, White).Intersect(new Vector3(0, 0.5f, 10), -Vector3.UnitZ, 1e-3f), Is.Null);
        });
    }

    [Test]
    public void A_lit_plane_is_its_albedo_times_ambient_plus_lambert_and_shadows_leave_only_ambient()
    {
        // Camera straight above a floor, light at 60° from the normal: cos = 0.5, so each pixel is
        // albedo · (ambient + (1 − ambient) · 0.5). A sphere between floor and light darkens part of it to albedo · ambient.
        var albedo = new Vector3(0.8f, 0.4f, 0.2f);
        var towardsLight = new Vector3(MathF.Sin(MathF.PI / 3), MathF.Cos(MathF.PI / 3), 0);
        var floor = new PlanePrimitive(Vector3.Zero, Vector3.UnitY, albedo);
        var image = new float[3 * 8 * 8];
        new RayScene([floor], towardsLight, 0.2f, Vector3.Zero).Render(new Vector3(0, 5, 0.001f), Vector3.Zero, 30, 8, 3, 1, image);
        float lit = 0.2f + 0.8f * 0.5f;
        for (int c = 0; c < 3; c++)
            Assert.That(image.Skip(c * 64).Take(64), Has.All.EqualTo(albedo[c] * lit).Within(Tolerance));

        var blocker = new SpherePrimitive(1.0f * towardsLight, 0.3f, White);
        new RayScene([floor, blocker], towardsLight, 0.2f, Vector3.Zero).Render(new Vector3(0, 5, 0.001f), Vector3.Zero, 30, 8, 3, 1, image);
        Assert.That(image.Take(64).Count(v => MathF.Abs(v - albedo.X * 0.2f) < Tolerance), Is.Positive, "shadowed floor pixels");
    }

    [Test]
    public void Grey_images_are_the_mean_of_red_green_and_blue()
    {
        var scene = new RayScene([new PlanePrimitive(Vector3.Zero, Vector3.UnitY, new Vector3(0.9f, 0.3f, 0.6f))], Vector3.UnitY, 0.5f, Vector3.Zero);
        var rgb = new float[3 * 4 * 4];
        var grey = new float[4 * 4];
        scene.Render(new Vector3(0, 3, 0.001f), Vector3.Zero, 20, 4, 3, 2, rgb);
        scene.Render(new Vector3(0, 3, 0.001f), Vector3.Zero, 20, 4, 1, 2, grey);
        for (int i = 0; i < 16; i++)
            Assert.That(grey[i], Is.EqualTo((rgb[i] + rgb[16 + i] + rgb[32 + i]) / 3).Within(Tolerance));
    }
}
