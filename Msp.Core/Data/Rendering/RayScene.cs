using System.Numerics;

namespace Msp.Core.Data.Rendering;

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
