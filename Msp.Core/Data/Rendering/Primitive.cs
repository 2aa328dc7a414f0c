using System.Numerics;

namespace Msp.Core.Data.Rendering;

/// <summary>A surface of a <see cref="RayScene"/>: its geometry and its RGB albedo in [0, 1].</summary>
public abstract record Primitive(Vector3 Albedo)
{
    /// <summary>The distance along the ray (origin + t·direction, direction of unit length) of the nearest hit beyond
    /// <paramref name="minimum"/>, and the outward unit normal there; null when the ray misses.</summary>
    public abstract (float Distance, Vector3 Normal)? Intersect(Vector3 origin, Vector3 direction, float minimum);
}
