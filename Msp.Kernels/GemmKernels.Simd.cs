using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

[assembly: InternalsVisibleTo("Msp.Tests")]
[assembly: InternalsVisibleTo("Msp.Bench")]

namespace Msp.Kernels;

/// <summary>
/// Batched row-major SGEMM, the managed SIMD half (see <see cref="GemmShape"/> for the contract). It follows the
/// Goto/BLIS design: op(B) is packed block by block into panels 16 columns wide, op(A) into panels 6 rows high, and a
/// register-blocked 6×16 micro-kernel runs over every pair of panels (GemmKernels.MicroKernel.cs). A transpose only
/// changes the strides the packing reads through. Both cores share the output tiles of a call.
/// </summary>
public static unsafe partial class GemmKernels
{
    // Products below this many flops run on the calling thread: splitting costs a few microseconds.
    private const double SerialFlopLimit = 1 << 21;

    private static readonly bool HasAvx2Fma = Avx2.IsSupported && Fma.IsSupported;

    /// <summary>C = alpha·op(A)·op(B) + beta·C over all cores. beta = 0 never reads C.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, GemmShape shape, float alpha, float beta, Span<float> c)
    {
        Validate(a.Length, b.Length, shape, c.Length);
        fixed (float* ap = a, bp = b, cp = c)
            Multiply(ap, bp, shape, alpha, beta, cp, rowBias: null);
    }

    /// <summary>As <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, GemmShape, float, float, Span{float})"/> on the
    /// calling thread only, for callers that already run one task per core (e.g. convolution over images).</summary>
    public static void MultiplySerial(ReadOnlySpan<float> a, ReadOnlySpan<float> b, GemmShape shape, float alpha, float beta, Span<float> c)
    {
        Validate(a.Length, b.Length, shape, c.Length);
        fixed (float* ap = a, bp = b, cp = c)
        {
            if (HasAvx2Fma)
                MultiplySerial<AvxMicroKernel>(ap, bp, shape, alpha, beta, cp);
            else
                MultiplySerial<PortableMicroKernel>(ap, bp, shape, alpha, beta, cp);
        }
    }

    /// <summary>The parallel product on raw memory (lengths already checked), with an optional per-row bias added to
    /// C: C[i, j] = alpha·(op(A)·op(B))[i, j] + beta·C[i, j] + rowBias[i]. Convolution uses the bias.</summary>
    internal static void Multiply(float* a, float* b, GemmShape shape, float alpha, float beta, float* c, float* rowBias,
        bool parallel = true)
    {
        if (HasAvx2Fma)
        {
            if (parallel)
                MultiplyParallel<AvxMicroKernel>(a, b, shape, alpha, beta, c, rowBias);
            else
                MultiplySerial<AvxMicroKernel>(a, b, shape, alpha, beta, c, rowBias);
        }
        else if (parallel)
            MultiplyParallel<PortableMicroKernel>(a, b, shape, alpha, beta, c, rowBias);
        else
            MultiplySerial<PortableMicroKernel>(a, b, shape, alpha, beta, c, rowBias);
    }

    internal static void MultiplySerial<TMicroKernel>(float* a, float* b, GemmShape shape, float alpha, float beta, float* c,
        float* rowBias = null) where TMicroKernel : IMicroKernel
    {
        for (int batch = 0; batch < shape.BatchCount; batch++)
            MultiplyTile<TMicroKernel>(a, b, shape, alpha, beta, c, rowBias, batch, 0, shape.M, 0, shape.N);
    }

    /// <summary>Splits the work into batch × panel units, where a panel is 16 columns of C (or 6 rows when C is taller
    /// than wide), and gives each core one contiguous run of units.</summary>
    internal static void MultiplyParallel<TMicroKernel>(float* a, float* b, GemmShape shape, float alpha, float beta, float* c,
        float* rowBias) where TMicroKernel : IMicroKernel
    {
        if (shape.Flops < SerialFlopLimit || CpuParallel.Degree == 1)
        {
            for (int batch = 0; batch < shape.BatchCount; batch++)
                MultiplyTile<TMicroKernel>(a, b, shape, alpha, beta, c, rowBias, batch, 0, shape.M, 0, shape.N);
            return;
        }
        bool splitColumns = shape.N / MicroColumns >= shape.M / MicroRows;
        int panelWidth = splitColumns ? MicroColumns : MicroRows;
        int extent = splitColumns ? shape.N : shape.M;
        int panels = (extent + panelWidth - 1) / panelWidth;
        nint aa = (nint)a, ba = (nint)b, ca = (nint)c, biasAddress = (nint)rowBias;
        CpuParallel.For(shape.BatchCount * panels, 1, (start, end) =>
        {
            for (int unit = start; unit < end;)
            {
                int batch = unit / panels, first = unit % panels;
                int last = Math.Min(panels, first + end - unit);
                int from = first * panelWidth, to = Math.Min(extent, last * panelWidth);
                if (splitColumns)
                    MultiplyTile<TMicroKernel>((float*)aa, (float*)ba, shape, alpha, beta, (float*)ca, (float*)biasAddress, batch, 0, shape.M, from, to);
                else
                    MultiplyTile<TMicroKernel>((float*)aa, (float*)ba, shape, alpha, beta, (float*)ca, (float*)biasAddress, batch, from, to, 0, shape.N);
                unit += last - first;
            }
        });
    }

    /// <summary>Rows [rowStart, rowEnd) × columns [columnStart, columnEnd) of C for one batch entry.</summary>
    private static void MultiplyTile<TMicroKernel>(float* a, float* b, GemmShape shape, float alpha, float beta, float* c,
        float* rowBias, int batch, int rowStart, int rowEnd, int columnStart, int columnEnd) where TMicroKernel : IMicroKernel
    {
        // op(A)[i, p] and op(B)[p, j] as strided views: a transpose swaps the strides.
        var opA = shape.TransposeA
            ? new MatrixView(a + (long)batch * shape.BatchStrideA, 1, shape.M)
            : new MatrixView(a + (long)batch * shape.BatchStrideA, shape.K, 1);
        var opB = shape.TransposeB
            ? new MatrixView(b + (long)batch * shape.BatchStrideB, 1, shape.K)
            : new MatrixView(b + (long)batch * shape.BatchStrideB, shape.N, 1);
        float* cTile = c + (long)batch * shape.BatchStrideC + (long)rowStart * shape.N + columnStart;
        MultiplyBlocked<TMicroKernel>(opA.Offset(rowStart, 0), opB.Offset(0, columnStart), cTile, shape.N,
            rowEnd - rowStart, columnEnd - columnStart, shape.K, alpha, beta, rowBias == null ? null : rowBias + rowStart);
    }

    private static void Validate(long aLength, long bLength, GemmShape shape, long cLength)
    {
        if (shape.BatchCount < 0 || shape.M < 0 || shape.N < 0 || shape.K < 0)
            throw new ArgumentException($"GEMM shape {shape} has a negative dimension.");
        if (aLength < shape.SizeA || bLength < shape.SizeB || cLength < shape.SizeC)
            throw new ArgumentException(
                $"GEMM {shape}: operands hold {aLength}, {bLength}, {cLength} floats; A, B, C need {shape.SizeA}, {shape.SizeB}, {shape.SizeC}.");
    }

    /// <summary>y[i, :] = row for each of the rows of y [rows, row.Length]: the bias rows of a linear layer.</summary>
    public static void RepeatRows(ReadOnlySpan<float> row, Span<float> y)
    {
        for (int start = 0; start + row.Length <= y.Length && row.Length > 0; start += row.Length)
            row.CopyTo(y[start..]);
    }

    /// <summary>sums[j] += Σ_i x[i, j] for x [rows, sums.Length]: a linear layer's bias gradient.</summary>
    public static void SumRows(ReadOnlySpan<float> x, Span<float> sums)
    {
        int columns = sums.Length;
        for (int start = 0; start + columns <= x.Length && columns > 0; start += columns)
        {
            var row = x.Slice(start, columns);
            for (int j = 0; j < columns; j++)
                sums[j] += row[j];
        }
    }
}
