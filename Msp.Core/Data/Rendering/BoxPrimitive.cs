using System.Numerics;

namespace Msp.Core.Data.Rendering;

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
