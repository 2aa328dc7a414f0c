using System.Numerics;

namespace Msp.Core.Data.Rendering;

/// <summary>A surface of a <see cref="RayScene"/>: its geometry and its RGB albedo in [0, 1].</summary>
public abstract record Primitive(Vector3 Albedo)
{
    /// <summary>The distance along the ray (origin + t·direction, direction of unit length) of the nearest hit beyond
    /// <paramref name="minimum"/>, and the outward unit normal there; null when the ray misses.</summary>
    public abstract (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum);
}

/// <summary>An infinite plane through <paramref name="Point"/> facing <paramref name="Normal"/> (unit length).</summary>
public sealed record PlanePrimitive(Vector3 Point, Vector3 Normal, Vector3 Albedo) : Primitive(Albedo)
{
    public override (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum)
    {
        float facing = Vector3.Dot(direction, Normal);
        if (MathF.Abs(facing) < 1e-8f)
            return null;
        float t = Vector3.Dot(Point - origin, Normal) / facing;
        return t > minimum ? (t, Normal) : null;
    }
}

public sealed record SpherePrimitive(Vector3 Center, float Radius, Vector3 Albedo) : Primitive(Albedo)
{
    public override (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum) =>
        Hit(Center, Radius, origin, direction, minimum);

    internal static (float Distance, Vector3 Normal)? Hit(Vector3 center, float radius, Vector3 origin, Vector3 direction, float minimum)
    {
        var offset = origin - center;
        float b = Vector3.Dot(offset, direction), c = offset.LengthSquared() - radius * radius;
        float discriminant = b * b - c;
        if (discriminant < 0)
            return null;
        float root = MathF.Sqrt(discriminant);
        float t = -b - root > minimum ? -b - root : -b + root;
        return t > minimum ? (t, Vector3.Normalize(origin + t * direction - center)) : null;
    }
}

/// <summary>A box with edges along the world axes (the slab method).</summary>
public sealed record BoxPrimitive(Vector3 Center, Vector3 HalfSize, Vector3 Albedo) : Primitive(Albedo)
{
    public override (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum)
    {
        var inverse = Vector3.One / direction;
        var near = (Center - HalfSize - origin) * inverse;
        var far = (Center + HalfSize - origin) * inverse;
        var entry = Vector3.Min(near, far);
        var exit = Vector3.Max(near, far);
        float tEnter = MathF.Max(entry.X, MathF.Max(entry.Y, entry.Z)), tExit = MathF.Min(exit.X, MathF.Min(exit.Y, exit.Z));
        if (tEnter > tExit || tExit <= minimum)
            return null;
        float t = tEnter > minimum ? tEnter : tExit;
        // The face hit is the axis whose slab boundary the ray crossed at t.
        var local = (origin + t * direction - Center) / HalfSize;
        var magnitude = Vector3.Abs(local);
        var normal = magnitude.X >= magnitude.Y && magnitude.X >= magnitude.Z ? new Vector3(MathF.Sign(local.X), 0, 0)
            : magnitude.Y >= magnitude.Z ? new Vector3(0, MathF.Sign(local.Y), 0) : new Vector3(0, 0, MathF.Sign(local.Z));
        return (t, normal);
    }
}

/// <summary>A capped cylinder standing upright: axis along y through <paramref name="Center"/>.</summary>
public sealed record CylinderPrimitive(Vector3 Center, float Radius, float HalfHeight, Vector3 Albedo) : Primitive(Albedo)
{
    public override (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum)
    {
        var offset = origin - Center;
        (float Distance, Vector3 Normal)? best = null;
        float a = direction.X * direction.X + direction.Z * direction.Z;
        if (a > 1e-12f)
        {
            float b = offset.X * direction.X + offset.Z * direction.Z;
            float c = offset.X * offset.X + offset.Z * offset.Z - Radius * Radius;
            float discriminant = b * b - a * c;
            if (discriminant >= 0)
                foreach (float t in (ReadOnlySpan<float>)[(-b - MathF.Sqrt(discriminant)) / a, (-b + MathF.Sqrt(discriminant)) / a])
                {
                    var point = offset + t * direction;
                    if (t > minimum && MathF.Abs(point.Y) <= HalfHeight && (best is null || t < best.Value.Distance))
                        best = (t, Vector3.Normalize(new Vector3(point.X, 0, point.Z)));
                }
        }
        if (MathF.Abs(direction.Y) > 1e-12f)
            foreach (float side in (ReadOnlySpan<float>)[-1f, 1f])
            {
                float t = (side * HalfHeight - offset.Y) / direction.Y;
                var point = offset + t * direction;
                if (t > minimum && point.X * point.X + point.Z * point.Z <= Radius * Radius && (best is null || t < best.Value.Distance))
                    best = (t, new Vector3(0, side, 0));
            }
        return best;
    }
}

/// <summary>All points within <paramref name="Radius"/> of the segment from <paramref name="Start"/> to <paramref name="End"/>.</summary>
public sealed record CapsulePrimitive(Vector3 Start, Vector3 End, float Radius, Vector3 Albedo) : Primitive(Albedo)
{
    public override (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum)
    {
        // The cylinder part in coordinates along and across the axis; then the two end spheres. Keep the nearest hit.
        var axis = End - Start;
        float length = axis.Length();
        var unitAxis = axis / length;
        var offset = origin - Start;
        float directionAlong = Vector3.Dot(direction, unitAxis), offsetAlong = Vector3.Dot(offset, unitAxis);
        var directionAcross = direction - directionAlong * unitAxis;
        var offsetAcross = offset - offsetAlong * unitAxis;
        (float Distance, Vector3 Normal)? best = null;
        float a = directionAcross.LengthSquared();
        if (a > 1e-12f)
        {
            float b = Vector3.Dot(offsetAcross, directionAcross), c = offsetAcross.LengthSquared() - Radius * Radius;
            float discriminant = b * b - a * c;
            if (discriminant >= 0)
            {
                float t = (-b - MathF.Sqrt(discriminant)) / a;
                float along = offsetAlong + t * directionAlong;
                if (t > minimum && along >= 0 && along <= length)
                    best = (t, Vector3.Normalize(offsetAcross + t * directionAcross));
            }
        }
        foreach (var center in (ReadOnlySpan<Vector3>)[Start, End])
            if (SpherePrimitive.Hit(center, Radius, origin, direction, minimum) is { } hit
                && (best is null || hit.Distance < best.Value.Distance))
                best = hit;
        return best;
    }
}

/// <summary>
/// A few primitives lit by one directional light plus ambient light, seen through a pinhole camera, rendered by
/// casting one ray per sub-pixel: Lambertian shading and hard shadows, which is all the stand-in data sets need.
/// Deterministic: the same scene gives the same pixels on every machine up to float rounding.
/// </summary>
public sealed class RayScene
{
    private const float SurfaceOffset = 1e-3f;

    private readonly Primitive[] _primitives;

    public RayScene(IReadOnlyList<Primitive> primitives, Vector3 towardsLight, float ambient, Vector3 background)
    {
        _primitives = [.. primitives];
        TowardsLight = Vector3.Normalize(towardsLight);
        Ambient = ambient;
        Background = background;
    }

    public IReadOnlyList<Primitive> Primitives => _primitives;

    /// <summary>Unit vector from the surface towards the light.</summary>
    public Vector3 TowardsLight { get; }

    public float Ambient { get; }

    public Vector3 Background { get; }

    /// <summary>
    /// Renders the view from <paramref name="eye"/> towards <paramref name="target"/> (y up, vertical field of view
    /// <paramref name="fieldOfViewDegrees"/>) into <paramref name="image"/> [channels, size, size], channels 3 (RGB) or
    /// 1 (the mean of RGB), averaging <paramref name="samplesPerAxis"/>² rays per pixel.
    /// </summary>
    public void Render(Vector3 eye, Vector3 target, float fieldOfViewDegrees, int size, int channels, int samplesPerAxis, Span<float> image)
    {
        if (channels is not (1 or 3) || image.Length != channels * size * size)
            throw new ArgumentException($"RayScene.Render: an image of {channels} channels at {size}×{size} needs {channels * size * size} floats, got {image.Length}.");
        var forward = Vector3.Normalize(target - eye);
        var right = Vector3.Normalize(Vector3.Cross(forward, Vector3.UnitY));
        var up = Vector3.Cross(right, forward);
        float halfHeight = MathF.Tan(fieldOfViewDegrees * MathF.PI / 360f);
        int plane = size * size;
        float weight = 1f / (samplesPerAxis * samplesPerAxis);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var color = Vector3.Zero;
                for (int sy = 0; sy < samplesPerAxis; sy++)
                    for (int sx = 0; sx < samplesPerAxis; sx++)
                    {
                        float u = ((x + (sx + 0.5f) / samplesPerAxis) / size * 2 - 1) * halfHeight;
                        float v = (1 - (y + (sy + 0.5f) / samplesPerAxis) / size * 2) * halfHeight;
                        color += Trace(eye, Vector3.Normalize(forward + u * right + v * up));
                    }
                color = Vector3.Clamp(color * weight, Vector3.Zero, Vector3.One);
                int pixel = y * size + x;
                if (channels == 1)
                    image[pixel] = (color.X + color.Y + color.Z) / 3;
                else
                {
                    image[pixel] = color.X;
                    image[plane + pixel] = color.Y;
                    image[2 * plane + pixel] = color.Z;
                }
            }
    }

    private Vector3 Trace(Vector3 origin, Vector3 direction)
    {
        var (hit, primitive) = Nearest(origin, direction, SurfaceOffset);
        if (primitive is null)
            return Background;
        var normal = hit.Normal;
        if (Vector3.Dot(normal, direction) > 0)
            normal = -normal;
        var point = origin + hit.Distance * direction;
        float lambert = MathF.Max(0, Vector3.Dot(normal, TowardsLight));
        if (lambert > 0 && Nearest(point + SurfaceOffset * normal, TowardsLight, SurfaceOffset).Primitive is not null)
            lambert = 0;
        return primitive.Albedo * (Ambient + (1 - Ambient) * lambert);
    }

    private ((float Distance, Vector3 Normal) Hit, Primitive? Primitive) Nearest(Vector3 origin, Vector3 direction, float minimum)
    {
        (float Distance, Vector3 Normal) best = (float.PositiveInfinity, Vector3.Zero);
        Primitive? nearest = null;
        // A plain loop over the array: an interface enumerator would allocate once per ray.
        foreach (var primitive in _primitives)
            if (primitive.Intersect(origin, direction, minimum) is { } hit && hit.Distance < best.Distance)
                (best, nearest) = (hit, primitive);
        return (best, nearest);
    }
}
