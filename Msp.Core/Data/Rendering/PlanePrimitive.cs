using System.Numerics;

namespace Msp.Core.Data.Rendering;

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
