namespace Msp.Kernels;

/// <summary>
/// A batch of least-squares problems M[b] = argmin ‖A[b]·M − Y[b]‖² with A = h0 [BatchSize, Rows, Unknowns] and
/// Y = h1 [BatchSize, Rows, RightHandSides], so M is [BatchSize, Unknowns, RightHandSides].
/// The kernels keep one double-precision "augmented" matrix [Unknowns, Unknowns + RightHandSides] per batch entry in a
/// workspace of floats (two floats per double, because tensors hold floats): the forward keeps [G | B] = [AᵀA | AᵀY]
/// there and overwrites it with [L | M] (L the lower Cholesky factor of G, upper triangle left as G); the backward's
/// adjoint workspace has the same layout and holds [W | Z] (see LeastSquaresKernels).
/// </summary>
public readonly record struct LeastSquaresShape(int BatchSize, int Rows, int Unknowns, int RightHandSides)
{
    /// <summary>Columns of one augmented matrix: Unknowns + RightHandSides.</summary>
    public int Width => Unknowns + RightHandSides;

    /// <summary>Doubles of one batch entry's augmented matrix.</summary>
    public int EntryDoubles => Unknowns * Width;

    /// <summary>Floats a workspace must hold: two per double of every batch entry.</summary>
    public int WorkspaceFloats => checked(2 * BatchSize * EntryDoubles);
}
