using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Msp.Kernels;

/// <summary>
/// The blocked loop nest, the packing and the micro-kernels of the CPU SGEMM. Block sizes follow the cache levels
/// (BLIS names in brackets): a DepthBlock×16 panel of B [KC×NR, 16 KB] stays in L1 while the micro-kernel streams
/// 6-row panels of an RowBlock×DepthBlock block of A [MC×KC, 144 KB] from L2, and the packed DepthBlock×ColumnBlock
/// block of B [KC×NC, 3 MB] is reused for every row block.
/// </summary>
public static unsafe partial class GemmKernels
{
    internal const int MicroRows = 6;       // MR: 6 rows × 2 vectors = 12 accumulators, plus 2 B vectors and 1 A broadcast: 15 ymm registers
    internal const int MicroColumns = 16;   // NR
    private const int DepthBlock = 256;     // KC
    private const int RowBlock = 144;       // MC, a multiple of MicroRows
    private const int ColumnBlock = 3072;   // NC, a multiple of MicroColumns

    /// <summary>C [m, n] (row stride ldc) = alpha·op(A)·op(B) + beta·C + rowBias, op(A) [m, k] and op(B) [k, n] strided views.</summary>
    private static void MultiplyBlocked<TMicroKernel>(MatrixView a, MatrixView b, float* c, int ldc, int m, int n, int k,
        float alpha, float beta, float* rowBias) where TMicroKernel : IMicroKernel
    {
        if (m <= 0 || n <= 0)
            return;
        if (k == 0)
        {
            ScaleAndAddBias(c, ldc, m, n, beta, rowBias);
            return;
        }
        float* packedA = CpuScratch.Get(ScratchSlot.PackedA, RowBlock * DepthBlock);
        float* packedB = CpuScratch.Get(ScratchSlot.PackedB, DepthBlock * ColumnBlock);
        for (int jc = 0; jc < n; jc += ColumnBlock)
        {
            int nc = Math.Min(ColumnBlock, n - jc);
            for (int pc = 0; pc < k; pc += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - pc);
                // The first depth block applies beta and the bias; the later ones add onto what it wrote.
                float blockBeta = pc == 0 ? beta : 1f;
                float* blockBias = pc == 0 ? rowBias : null;
                PackB(b.Offset(pc, jc), kc, nc, packedB);
                for (int ic = 0; ic < m; ic += RowBlock)
                {
                    int mc = Math.Min(RowBlock, m - ic);
                    PackA(a.Offset(ic, pc), mc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += MicroColumns)
                        for (int ir = 0; ir < mc; ir += MicroRows)
                            TMicroKernel.Run(packedA + ir * kc, packedB + jr * kc, kc, c + (long)(ic + ir) * ldc + jc + jr, ldc,
                                Math.Min(MicroRows, mc - ir), Math.Min(MicroColumns, nc - jr), alpha, blockBeta,
                                blockBias == null ? null : blockBias + ic + ir);
                }
            }
        }
    }

    /// <summary>Copies op(A) [rows, depth] into panels of MicroRows rows, each stored depth-major
    /// (panel[p·6 + r]), padding the last panel with zero rows.</summary>
    private static void PackA(MatrixView a, int rows, int depth, float* packed)
    {
        for (int r0 = 0; r0 < rows; r0 += MicroRows, packed += MicroRows * depth)
        {
            int panelRows = Math.Min(MicroRows, rows - r0);
            var panel = a.Offset(r0, 0);
            if (panelRows == MicroRows && panel.ColumnStride == 1)
            {
                float* row0 = panel.Data, row1 = row0 + panel.RowStride, row2 = row1 + panel.RowStride;
                float* row3 = row2 + panel.RowStride, row4 = row3 + panel.RowStride, row5 = row4 + panel.RowStride;
                for (int p = 0; p < depth; p++)
                {
                    float* d = packed + p * MicroRows;
                    d[0] = row0[p]; d[1] = row1[p]; d[2] = row2[p]; d[3] = row3[p]; d[4] = row4[p]; d[5] = row5[p];
                }
                continue;
            }
            if (panelRows == MicroRows && panel.RowStride == 1)
            {
                // op(A) is a transposed matrix: the panel's 6 rows are contiguous at every depth.
                for (int p = 0; p < depth; p++)
                {
                    float* source = panel.Data + (long)p * panel.ColumnStride, d = packed + p * MicroRows;
                    d[0] = source[0]; d[1] = source[1]; d[2] = source[2]; d[3] = source[3]; d[4] = source[4]; d[5] = source[5];
                }
                continue;
            }
            for (int p = 0; p < depth; p++)
                for (int r = 0; r < MicroRows; r++)
                    packed[p * MicroRows + r] = r < panelRows ? panel.At(r, p) : 0f;
        }
    }

    /// <summary>Copies op(B) [depth, columns] into panels of MicroColumns columns, each stored depth-major
    /// (panel[p·16 + j]), padding the last panel with zero columns.</summary>
    private static void PackB(MatrixView b, int depth, int columns, float* packed)
    {
        for (int j0 = 0; j0 < columns; j0 += MicroColumns, packed += MicroColumns * depth)
        {
            int panelColumns = Math.Min(MicroColumns, columns - j0);
            var panel = b.Offset(0, j0);
            if (panelColumns == MicroColumns && panel.ColumnStride == 1)
            {
                for (int p = 0; p < depth; p++)
                {
                    float* source = panel.Data + (long)p * panel.RowStride;
                    Vector256.Store(Vector256.Load(source), packed + p * MicroColumns);
                    Vector256.Store(Vector256.Load(source + 8), packed + p * MicroColumns + 8);
                }
                continue;
            }
            if (panel.RowStride == 1)
            {
                // Stored transposed: walk each column along its contiguous depth, 8 depths × 8 columns at a time
                // through registers when the panel is full (a scalar scatter costs as much as the product itself).
                int p0 = 0;
                if (panelColumns == MicroColumns && Avx.IsSupported)
                    for (; p0 <= depth - 8; p0 += 8)
                    {
                        TransposeInto(panel.Data + p0, panel.ColumnStride, packed + p0 * MicroColumns);
                        TransposeInto(panel.Data + p0 + 8L * panel.ColumnStride, panel.ColumnStride, packed + p0 * MicroColumns + 8);
                    }
                for (int j = 0; j < MicroColumns; j++)
                {
                    float* source = panel.Data + (long)j * panel.ColumnStride;
                    for (int p = p0; p < depth; p++)
                        packed[p * MicroColumns + j] = j < panelColumns ? source[p] : 0f;
                }
                continue;
            }
            for (int p = 0; p < depth; p++)
                for (int j = 0; j < MicroColumns; j++)
                    packed[p * MicroColumns + j] = j < panelColumns ? panel.At(p, j) : 0f;
        }
    }

    /// <summary>target[q·16 + j] = source[j·stride + q] for q, j in 0..8: an 8×8 block transposed in registers.</summary>
    private static void TransposeInto(float* source, int stride, float* target)
    {
        var r0 = Vector256.Load(source); var r1 = Vector256.Load(source + stride);
        var r2 = Vector256.Load(source + 2L * stride); var r3 = Vector256.Load(source + 3L * stride);
        var r4 = Vector256.Load(source + 4L * stride); var r5 = Vector256.Load(source + 5L * stride);
        var r6 = Vector256.Load(source + 6L * stride); var r7 = Vector256.Load(source + 7L * stride);
        // Interleave pairs, then quadruples, then swap 128-bit halves: the standard three-stage 8×8 transpose.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(target);
        Avx.Permute2x128(u1, u5, 0x20).Store(target + MicroColumns);
        Avx.Permute2x128(u2, u6, 0x20).Store(target + 2 * MicroColumns);
        Avx.Permute2x128(u3, u7, 0x20).Store(target + 3 * MicroColumns);
        Avx.Permute2x128(u0, u4, 0x31).Store(target + 4 * MicroColumns);
        Avx.Permute2x128(u1, u5, 0x31).Store(target + 5 * MicroColumns);
        Avx.Permute2x128(u2, u6, 0x31).Store(target + 6 * MicroColumns);
        Avx.Permute2x128(u3, u7, 0x31).Store(target + 7 * MicroColumns);
    }

    /// <summary>C = beta·C + rowBias for an empty inner dimension (op(A)·op(B) is then zero).</summary>
    private static void ScaleAndAddBias(float* c, int ldc, int m, int n, float beta, float* rowBias)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float* target = c + (long)i * ldc + j;
                *target = (beta == 0f ? 0f : beta * *target) + (rowBias == null ? 0f : rowBias[i]);
            }
    }

    /// <summary>Writes a computed 6×16 tile (row-major, <paramref name="tile"/>) into the rows × columns corner of C.</summary>
    private static void StoreTile(float* tile, float* c, int ldc, int rows, int columns, float alpha, float beta, float* rowBias)
    {
        for (int r = 0; r < rows; r++)
        {
            float bias = rowBias == null ? 0f : rowBias[r];
            float* target = c + (long)r * ldc;
            for (int j = 0; j < columns; j++)
                target[j] = alpha * tile[r * MicroColumns + j] + bias + (beta == 0f ? 0f : beta * target[j]);
        }
    }

    /// <summary>A micro-kernel: C[rows, columns] = alpha·Apanel·Bpanel + beta·C + rowBias from one packed 6-row panel of A
    /// and one packed 16-column panel of B of the given depth (rows ≤ 6, columns ≤ 16).</summary>
    internal interface IMicroKernel
    {
        static abstract void Run(float* a, float* b, int depth, float* c, int ldc, int rows, int columns, float alpha, float beta, float* rowBias);
    }

    /// <summary>AVX2 + FMA: the 6×16 tile lives in 12 ymm registers for the whole depth loop.</summary>
    internal readonly struct AvxMicroKernel : IMicroKernel
    {
        public static void Run(float* a, float* b, int depth, float* c, int ldc, int rows, int columns, float alpha, float beta, float* rowBias)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < depth; p++, a += MicroRows, b += MicroColumns)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 8);
                var ai = Vector256.Create(a[0]);
                c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
                ai = Vector256.Create(a[1]);
                c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
                ai = Vector256.Create(a[2]);
                c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
                ai = Vector256.Create(a[3]);
                c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
                ai = Vector256.Create(a[4]);
                c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
                ai = Vector256.Create(a[5]);
                c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
            }
            if (rows == MicroRows && columns == MicroColumns)
            {
                var scale = Vector256.Create(alpha);
                StoreRow(c, c00, c01, scale, beta, rowBias == null ? 0f : rowBias[0]);
                StoreRow(c + ldc, c10, c11, scale, beta, rowBias == null ? 0f : rowBias[1]);
                StoreRow(c + 2 * ldc, c20, c21, scale, beta, rowBias == null ? 0f : rowBias[2]);
                StoreRow(c + 3 * ldc, c30, c31, scale, beta, rowBias == null ? 0f : rowBias[3]);
                StoreRow(c + 4 * ldc, c40, c41, scale, beta, rowBias == null ? 0f : rowBias[4]);
                StoreRow(c + 5 * ldc, c50, c51, scale, beta, rowBias == null ? 0f : rowBias[5]);
                return;
            }
            float* tile = stackalloc float[MicroRows * MicroColumns];
            c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
            c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
            c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
            StoreTile(tile, c, ldc, rows, columns, alpha, beta, rowBias);
        }

        private static void StoreRow(float* c, Vector256<float> low, Vector256<float> high, Vector256<float> alpha, float beta, float bias)
        {
            var offset = Vector256.Create(bias);
            low = Fma.MultiplyAdd(low, alpha, offset);
            high = Fma.MultiplyAdd(high, alpha, offset);
            if (beta != 0f)
            {
                var scale = Vector256.Create(beta);
                low = Fma.MultiplyAdd(Vector256.Load(c), scale, low);
                high = Fma.MultiplyAdd(Vector256.Load(c + 8), scale, high);
            }
            low.Store(c);
            high.Store(c + 8);
        }
    }

    /// <summary>Fallback without AVX2/FMA: the tile accumulates in memory through Vector&lt;float&gt; of any width dividing 16.</summary>
    internal readonly struct PortableMicroKernel : IMicroKernel
    {
        public static void Run(float* a, float* b, int depth, float* c, int ldc, int rows, int columns, float alpha, float beta, float* rowBias)
        {
            float* tile = stackalloc float[MicroRows * MicroColumns];
            new Span<float>(tile, MicroRows * MicroColumns).Clear();
            int lanes = Vector<float>.Count;
            for (int p = 0; p < depth; p++, a += MicroRows, b += MicroColumns)
                for (int r = 0; r < MicroRows; r++)
                {
                    var ai = new Vector<float>(a[r]);
                    for (int j = 0; j < MicroColumns; j += lanes)
                        (Vector.Load(tile + r * MicroColumns + j) + ai * Vector.Load(b + j)).Store(tile + r * MicroColumns + j);
                }
            StoreTile(tile, c, ldc, rows, columns, alpha, beta, rowBias);
        }
    }

    /// <summary>A float matrix in memory: element (row, column) at Data[row·RowStride + column·ColumnStride].</summary>
    private readonly struct MatrixView(float* data, int rowStride, int columnStride)
    {
        public float* Data { get; } = data;

        public int RowStride { get; } = rowStride;

        public int ColumnStride { get; } = columnStride;

        public float At(int row, int column) => Data[(long)row * RowStride + (long)column * ColumnStride];

        public MatrixView Offset(int row, int column) =>
            new(Data + (long)row * RowStride + (long)column * ColumnStride, RowStride, ColumnStride);
    }
}
