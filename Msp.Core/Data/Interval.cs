namespace Msp.Core.Data;

/// <summary>A closed range [Low, High] that a generator draws uniformly from; Low == High fixes the value.</summary>
public readonly record struct Interval(double Low, double High)
{
    /// <summary>[−r, r]: what the reference makes of a single number r where it expects a range.</summary>
    public static Interval Symmetric(double radius) => new(-radius, radius);

    public override string ToString() => $"[{Low}, {High}]";
}
