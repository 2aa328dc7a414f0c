using System.Numerics;

namespace Msp.Core.Data.Rendering;

/// <summary>
/// A procedural stand-in for 3DShapes, rendered on the fly: a floor and a back wall in a corner, one object on the
/// floor (cube, cylinder, sphere or capsule), a light from the upper left. The six factors take the real set's grids
/// (<see cref="ThreeDimShapes.LabelValue"/>): floor, wall and object hue (HSV at full saturation and value), object
/// scale, shape, and orientation, the azimuth of the camera circling the object from −30° to 30°, so it turns the
/// whole view as in the real images. Each factor changes only its own attribute.
/// </summary>
public sealed class ShapesStandIn(int size = ThreeDimShapes.ImageSide) : IFactorImages
{
    private const float CameraDistance = 3.6f, CameraHeight = 1.3f, FieldOfView = 40f, WallDistance = 2.4f, Ambient = 0.45f;

    /// <summary>Rays per pixel per axis: 2×2 anti-aliasing keeps edges smooth at 32 and 64 pixels.</summary>
    private const int SamplesPerAxis = 2;

    private static readonly Vector3 TowardsLight = new(-0.5f, 1.0f, 0.8f);

    public FactorGrid Grid => ThreeDimShapes.Grid;

    public int Channels => ThreeDimShapes.Channels;

    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "The image side must be positive.");

    public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
    {
        Grid.Index(factorValues);
        var floor = Hue(factorValues[0]);
        var wall = Hue(factorValues[1]);
        var objectColor = Hue(factorValues[2]);
        float scale = (float)ThreeDimShapes.LabelValue(3, factorValues[3]);
        float azimuth = (float)ThreeDimShapes.LabelValue(5, factorValues[5]) * MathF.PI / 180f;
        var scene = new RayScene(
        [
            new PlanePrimitive(Vector3.Zero, Vector3.UnitY, floor),
            new PlanePrimitive(new Vector3(0, 0, -WallDistance), Vector3.UnitZ, wall),
            Shape(factorValues[4], scale, objectColor),
        ], TowardsLight, Ambient, Vector3.Zero);
        var eye = new Vector3(CameraDistance * MathF.Sin(azimuth), CameraHeight, CameraDistance * MathF.Cos(azimuth));
        scene.Render(eye, new Vector3(0, 0.6f, 0), FieldOfView, Size, Channels, SamplesPerAxis, image);
    }

    /// <summary>The object standing on the floor at the origin, about <paramref name="scale"/> tall.</summary>
    private static Primitive Shape(int shape, float scale, Vector3 color)
    {
        float half = 0.5f * scale;
        return shape switch
        {
            0 => new BoxPrimitive(new Vector3(0, half, 0), new Vector3(half), color),
            1 => new CylinderPrimitive(new Vector3(0, half, 0), half, half, color),
            2 => new SpherePrimitive(new Vector3(0, half, 0), half, color),
            _ => new CapsulePrimitive(new Vector3(0, 0.35f * scale, 0), new Vector3(0, 0.65f * scale, 0), 0.35f * scale, color),
        };
    }

    private static Vector3 Hue(int index)
    {
        var (red, green, blue) = ImageOps.HueToRgb(ThreeDimShapes.LabelValue(0, index));
        return new Vector3(red, green, blue);
    }
}
