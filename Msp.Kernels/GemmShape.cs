namespace Msp.Kernels;

/// <summary>
/// A batch of row-major matrix products C[b] = alpha·op(A[b])·op(B[b]) + beta·C[b], b in [0, BatchCount).
/// op(A) is [M, K]: A is stored [M, K], or [K, M] when <see cref="TransposeA"/>. op(B) is [K, N]: B is stored
/// [K, N], or [N, K] when <see cref="TransposeB"/>. C is [M, N]. Matrices of one batch follow each other densely;
/// a batch stride of 0 for A or B shares one matrix across the batch (e.g. a weight).
/// </summary>
public readonly record struct GemmShape(int BatchCount, int M, int N, int K, bool TransposeA = false, bool TransposeB = false,
    bool ShareA = false, bool ShareB = false)
{
    public int BatchStrideA => ShareA ? 0 : M * K;

    public int BatchStrideB => ShareB ? 0 : K * N;

    public int BatchStrideC => M * N;

    /// <summary>Floats each operand must hold.</summary>
    public long SizeA => ShareA ? (long)M * K : (long)BatchCount * M * K;

    public long SizeB => ShareB ? (long)K * N : (long)BatchCount * K * N;

    public long SizeC => (long)BatchCount * M * N;

    /// <summary>2·M·N·K per matrix: the figure GFLOP/s are quoted against.</summary>
    public double Flops => 2.0 * BatchCount * M * N * K;
}
