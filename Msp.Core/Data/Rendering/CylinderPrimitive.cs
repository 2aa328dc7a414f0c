using System.Numerics;

namespace Msp.Core.Data.Rendering;

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
