namespace Msp.Core.Data;

/// <summary>
/// How one factor behaves in a sequence. A walking factor starts at a random value and steps by a constant integer
/// velocity (0 when the factor is not an active action); a held factor takes one value, drawn from
/// <see cref="HeldValues"/>, for the whole sequence (3DShapes' shape, SmallNORB's category, instance and lighting).
/// </summary>
public sealed record FactorRole(int[]? HeldValues)
{
    public static FactorRole Walk { get; } = new((int[]?)null);

    public static FactorRole Hold(params int[] values) => new(values);

    public bool Walks => HeldValues is null;
}
