using System.Numerics;
using Msp.Core.Tensors;

namespace Msp.Core.Data.Rendering;

/// <summary>
/// A procedural stand-in for SmallNORB, rendered on the fly in grey: five categories of toy built from boxes, spheres
/// and capsules (four-legged animal, human figure, airplane, truck, car), five instances of each (proportions drawn
/// from a generator keyed by category, instance and split, so the test split's toys differ from the training ones),
/// standing on a floor, seen from SmallNORB's 9 elevations × 18 azimuths under 6 light directions, with shadows.
/// </summary>
public sealed class NorbStandIn(DatasetSplit split, int size = SmallNorb.ImageSide) : IFactorImages
{
    private const float CameraDistance = 5f, FieldOfView = 36f, Ambient = 0.3f;
    private const int SamplesPerAxis = 2;
    private static readonly Vector3 Toy = new(0.85f), Floor = new(0.55f), Background = new(0.2f);

    private readonly Primitive[][] _toys = Enumerable.Range(0, 25).Select(i => BuildToy(i / 5, i % 5, split)).ToArray();

    public FactorGrid Grid => SmallNorb.Grid;

    public int Channels => SmallNorb.Channels;

    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), size, "The image side must be positive.");

    public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
    {
        Grid.Index(factorValues);
        var primitives = new List<Primitive>(_toys[factorValues[0] * 5 + factorValues[1]]) { new PlanePrimitive(Vector3.Zero, Vector3.UnitY, Floor) };
        var scene = new RayScene(primitives, LightDirection(factorValues[2]), Ambient, Background);
        float elevation = (float)(SmallNorb.ElevationDegrees(factorValues[3]) * Math.PI / 180);
        float azimuth = (float)(SmallNorb.AzimuthDegrees(factorValues[4]) * Math.PI / 180);
        var eye = CameraDistance * new Vector3(MathF.Cos(elevation) * MathF.Sin(azimuth), MathF.Sin(elevation), MathF.Cos(elevation) * MathF.Cos(azimuth));
        scene.Render(eye, new Vector3(0, 0.35f, 0), FieldOfView, Size, Channels, SamplesPerAxis, image);
    }

    /// <summary>Six lights, as SmallNORB's six lighting conditions: three azimuths at two heights.</summary>
    private static Vector3 LightDirection(int lighting)
    {
        float azimuth = (lighting % 3) * 2.1f + 0.4f, height = lighting < 3 ? 1.6f : 0.7f;
        return new Vector3(MathF.Cos(azimuth), height, MathF.Sin(azimuth));
    }

    /// <summary>The parts of one toy, about 1.6 long and standing on y = 0; proportions vary by ±25% per instance.</summary>
    private static Primitive[] BuildToy(int category, int instance, DatasetSplit split)
    {
        var rng = new Rng(0x4E4F5242UL + (ulong)(category * 16 + instance) + (split == DatasetSplit.Test ? 0x1000UL : 0));
        float Vary(float value) => value * (float)rng.Uniform(0.75, 1.25);
        return category switch
        {
            0 => Animal(Vary(1.3f), Vary(0.35f), Vary(0.45f), Vary(0.2f)),
            1 => Human(Vary(0.7f), Vary(0.55f), Vary(0.16f), Vary(0.5f)),
            2 => Airplane(Vary(1.7f), Vary(1.6f), Vary(0.15f), Vary(0.4f)),
            3 => Truck(Vary(1.6f), Vary(0.7f), Vary(0.45f)),
            _ => Car(Vary(1.5f), Vary(0.35f), Vary(0.6f)),
        };
    }

    private static Primitive[] Animal(float length, float bodyHeight, float legLength, float headRadius)
    {
        float bodyY = legLength + bodyHeight / 2, halfLength = length / 2;
        var parts = new List<Primitive> { new BoxPrimitive(new Vector3(0, bodyY, 0), new Vector3(halfLength, bodyHeight / 2, 0.22f), Toy) };
        foreach (float x in (ReadOnlySpan<float>)[-halfLength + 0.12f, halfLength - 0.12f])
            foreach (float z in (ReadOnlySpan<float>)[-0.14f, 0.14f])
                parts.Add(new BoxPrimitive(new Vector3(x, legLength / 2, z), new Vector3(0.06f, legLength / 2, 0.06f), Toy));
        parts.Add(new SpherePrimitive(new Vector3(halfLength + headRadius * 0.6f, bodyY + bodyHeight * 0.6f, 0), headRadius, Toy));
        parts.Add(new CapsulePrimitive(new Vector3(-halfLength, bodyY + 0.1f, 0), new Vector3(-halfLength - 0.3f, bodyY + 0.3f, 0), 0.04f, Toy));
        return [.. parts];
    }

    private static Primitive[] Human(float legLength, float torsoLength, float headRadius, float armLength)
    {
        float hip = legLength, shoulder = hip + torsoLength;
        return
        [
            new CapsulePrimitive(new Vector3(0, 0.06f, -0.1f), new Vector3(0, hip, -0.1f), 0.07f, Toy),
            new CapsulePrimitive(new Vector3(0, 0.06f, 0.1f), new Vector3(0, hip, 0.1f), 0.07f, Toy),
            new BoxPrimitive(new Vector3(0, (hip + shoulder) / 2, 0), new Vector3(0.1f, torsoLength / 2, 0.2f), Toy),
            new SpherePrimitive(new Vector3(0, shoulder + headRadius * 1.1f, 0), headRadius, Toy),
            new CapsulePrimitive(new Vector3(0, shoulder - 0.05f, -0.25f), new Vector3(0.15f, shoulder - armLength, -0.35f), 0.05f, Toy),
            new CapsulePrimitive(new Vector3(0, shoulder - 0.05f, 0.25f), new Vector3(0.15f, shoulder - armLength, 0.35f), 0.05f, Toy),
        ];
    }

    private static Primitive[] Airplane(float length, float span, float radius, float tailHeight)
    {
        float y = 0.35f, half = length / 2;
        return
        [
            new CapsulePrimitive(new Vector3(-half, y, 0), new Vector3(half, y, 0), radius, Toy),
            new BoxPrimitive(new Vector3(0.1f, y, 0), new Vector3(0.25f, 0.025f, span / 2), Toy),
            new BoxPrimitive(new Vector3(-half + 0.1f, y + tailHeight / 2, 0), new Vector3(0.1f, tailHeight / 2, 0.025f), Toy),
            new BoxPrimitive(new Vector3(-half + 0.1f, y + 0.05f, 0), new Vector3(0.08f, 0.02f, span / 5), Toy),
            new BoxPrimitive(new Vector3(0, y / 2, 0), new Vector3(0.04f, y / 2, 0.04f), Toy),
        ];
    }

    private static Primitive[] Truck(float length, float height, float cabLength)
    {
        float wheel = 0.14f, half = length / 2, cargoLength = length - cabLength - 0.05f;
        return
        [
            new BoxPrimitive(new Vector3(-half + cargoLength / 2, wheel + height / 2, 0), new Vector3(cargoLength / 2, height / 2, 0.32f), Toy),
            new BoxPrimitive(new Vector3(half - cabLength / 2, wheel + height * 0.35f, 0), new Vector3(cabLength / 2, height * 0.35f, 0.3f), Toy),
            .. Wheels(half - 0.2f, wheel), .. Wheels(-half + 0.25f, wheel),
        ];
    }

    private static Primitive[] Car(float length, float bodyHeight, float cabinLength)
    {
        float wheel = 0.13f, half = length / 2;
        return
        [
            new BoxPrimitive(new Vector3(0, wheel + bodyHeight / 2, 0), new Vector3(half, bodyHeight / 2, 0.3f), Toy),
            new BoxPrimitive(new Vector3(-0.1f, wheel + bodyHeight + 0.12f, 0), new Vector3(cabinLength / 2, 0.12f, 0.26f), Toy),
            .. Wheels(half - 0.28f, wheel), .. Wheels(-half + 0.28f, wheel),
        ];
    }

    /// <summary>A pair of wheels (short capsules across the body) on the axle at <paramref name="x"/>.</summary>
    private static Primitive[] Wheels(float x, float radius) =>
    [
        new CapsulePrimitive(new Vector3(x, radius, 0.3f), new Vector3(x, radius, 0.36f), radius, Toy),
        new CapsulePrimitive(new Vector3(x, radius, -0.36f), new Vector3(x, radius, -0.3f), radius, Toy),
    ];
}
