using System.Numerics;

namespace Msp.Core.Data.Rendering;

/// <summary>A sphere: the points at <paramref name="Radius"/> from <paramref name="Center"/>.</summary>
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
