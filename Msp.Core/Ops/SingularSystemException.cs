namespace Msp.Core.Ops;

/// <summary>
/// A least-squares system whose normal equations cannot be solved: h0ᵀh0 of <see cref="BatchEntry"/> is singular, or
/// so close to it that float32 inputs do not determine the solution. The message names the entry and what to do.
/// </summary>
public sealed class SingularSystemException(int batchEntry, int column, string message) : Exception(message)
{
    /// <summary>The first batch entry whose system is singular.</summary>
    public int BatchEntry { get; } = batchEntry;

    /// <summary>The column of h0 found to depend on the columns before it (the failed Cholesky pivot).</summary>
    public int Column { get; } = column;
}
