using System.Numerics;

namespace Msp.Core.Data.Rendering;

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
