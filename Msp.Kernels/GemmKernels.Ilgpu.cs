using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

// The CPU accelerator launches kernels from a generated assembly that must see internal parameter types (TiledShape).
[assembly: InternalsVisibleTo("ILGPURuntime")]

namespace Msp.Kernels;

/// <summary>
/// Batched row-major SGEMM, the ILGPU half: a shared-memory tiled kernel. A group of 16×16 threads computes a 64×64
/// tile of C; each thread owns a 4×4 register tile whose rows and columns lie 16 apart, so that neighbouring threads
/// read neighbouring shared-memory words. Per step of 16 along K the group stages a 64×16 tile of op(A) and a 16×64
/// tile of op(B) in shared memory.
/// </summary>
public static partial class GemmKernels
{
    private const int TileSize = 64;
    private const int TileDepth = 16;
    private const int ThreadsPerSide = 16;
    private const int GroupThreads = ThreadsPerSide * ThreadsPerSide;
    // One padding word per 64 breaks the 16-way bank conflict of a transposed tile load.
    private const int SharedStride = TileSize + 1;

    /// <summary>Grid (⌈N/64⌉, ⌈M/64⌉, BatchCount) of 16×16 groups; a, b, c as in <see cref="GemmShape"/>.</summary>
    private static void MultiplyKernel(ArrayView<float> a, ArrayView<float> b, TiledShape shape, float alpha, float beta, ArrayView<float> c)
    {
        var aTile = SharedMemory.Allocate<float>(TileDepth * SharedStride);   // [p][row]
        var bTile = SharedMemory.Allocate<float>(TileDepth * SharedStride);   // [p][column]
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * ThreadsPerSide + tx;
        int rowBase = Grid.IdxY * TileSize, columnBase = Grid.IdxX * TileSize, batch = Grid.IdxZ;
        int aOffset = batch * shape.BatchStrideA, bOffset = batch * shape.BatchStrideB;
        Quad row0 = default, row1 = default, row2 = default, row3 = default;
        for (int depthBase = 0; depthBase < shape.K; depthBase += TileDepth)
        {
            for (int e = thread; e < TileSize * TileDepth; e += GroupThreads)
            {
                // Consecutive threads read consecutive addresses of whichever layout the operand is stored in.
                int along = e % TileSize, across = e / TileSize, depthMinor = e % TileDepth, other = e / TileDepth;
                int aRow = shape.TransposeA ? along : other, aDepth = shape.TransposeA ? across : depthMinor;
                int bColumn = shape.TransposeB ? other : along, bDepth = shape.TransposeB ? depthMinor : across;
                aTile[aDepth * SharedStride + aRow] = LoadA(a, aOffset, shape, rowBase + aRow, depthBase + aDepth);
                bTile[bDepth * SharedStride + bColumn] = LoadB(b, bOffset, shape, depthBase + bDepth, columnBase + bColumn);
            }
            Group.Barrier();
            for (int p = 0; p < TileDepth; p++)
            {
                int s = p * SharedStride;
                var bRow = new Quad(bTile[s + tx], bTile[s + tx + 16], bTile[s + tx + 32], bTile[s + tx + 48]);
                row0 = row0.AddScaled(aTile[s + ty], bRow);
                row1 = row1.AddScaled(aTile[s + ty + 16], bRow);
                row2 = row2.AddScaled(aTile[s + ty + 32], bRow);
                row3 = row3.AddScaled(aTile[s + ty + 48], bRow);
            }
            Group.Barrier();
        }
        int cOffset = batch * shape.BatchStrideC, column = columnBase + tx;
        StoreRow(c, cOffset, shape, rowBase + ty, column, row0, alpha, beta);
        StoreRow(c, cOffset, shape, rowBase + ty + 16, column, row1, alpha, beta);
        StoreRow(c, cOffset, shape, rowBase + ty + 32, column, row2, alpha, beta);
        StoreRow(c, cOffset, shape, rowBase + ty + 48, column, row3, alpha, beta);
    }

    /// <summary>C = alpha·op(A)·op(B) + beta·C on the accelerator's default stream. beta = 0 never reads C.</summary>
    public static void Multiply(Accelerator accelerator, ArrayView<float> a, ArrayView<float> b, GemmShape shape, float alpha, float beta,
        ArrayView<float> c)
    {
        Validate(a.Length, b.Length, shape, c.Length);
        if (shape.BatchCount == 0 || shape.M == 0 || shape.N == 0)
            return;
        var kernel = KernelCache.Get(accelerator, MultiplyKernel,
            acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, TiledShape, float, float, ArrayView<float>>(MultiplyKernel));
        var grid = new Index3D((shape.N + TileSize - 1) / TileSize, (shape.M + TileSize - 1) / TileSize, shape.BatchCount);
        kernel(new KernelConfig(grid, new Index3D(ThreadsPerSide, ThreadsPerSide, 1)), a, b, new TiledShape(shape), alpha, beta, c);
    }

    private static float LoadA(ArrayView<float> a, int offset, TiledShape shape, int row, int depth)
    {
        if (row >= shape.M || depth >= shape.K)
            return 0f;
        return a[offset + (shape.TransposeA ? depth * shape.M + row : row * shape.K + depth)];
    }

    private static float LoadB(ArrayView<float> b, int offset, TiledShape shape, int depth, int column)
    {
        if (depth >= shape.K || column >= shape.N)
            return 0f;
        return b[offset + (shape.TransposeB ? column * shape.K + depth : depth * shape.N + column)];
    }

    private static void StoreRow(ArrayView<float> c, int offset, TiledShape shape, int row, int column, Quad value, float alpha, float beta)
    {
        if (row >= shape.M)
            return;
        int rowOffset = offset + row * shape.N;
        StoreOne(c, rowOffset, shape.N, column, value.X, alpha, beta);
        StoreOne(c, rowOffset, shape.N, column + 16, value.Y, alpha, beta);
        StoreOne(c, rowOffset, shape.N, column + 32, value.Z, alpha, beta);
        StoreOne(c, rowOffset, shape.N, column + 48, value.W, alpha, beta);
    }

    private static void StoreOne(ArrayView<float> c, int rowOffset, int columns, int column, float value, float alpha, float beta)
    {
        if (column < columns)
            c[rowOffset + column] = beta == 0f ? alpha * value : alpha * value + beta * c[rowOffset + column];
    }

    private static void RepeatRowsKernel(Index1D i, ArrayView<float> row, ArrayView<float> y) => y[i] = row[i % row.IntLength];

    /// <summary>y[i, :] = row for each row of y [rows, row.Length].</summary>
    public static void RepeatRows(Accelerator accelerator, ArrayView<float> row, ArrayView<float> y)
    {
        if (y.Length == 0 || row.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, RepeatRowsKernel,
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(RepeatRowsKernel));
        kernel(y.IntLength, row, y);
    }

    private static void SumRowsKernel(Index1D j, ArrayView<float> x, ArrayView<float> sums)
    {
        int columns = sums.IntLength;
        float sum = 0f;
        for (int offset = j; offset < x.IntLength; offset += columns)
            sum += x[offset];
        sums[j] += sum;
    }

    /// <summary>sums[j] += Σ_i x[i, j] for x [rows, sums.Length]; one thread per column.</summary>
    public static void SumRows(Accelerator accelerator, ArrayView<float> x, ArrayView<float> sums)
    {
        if (sums.Length == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SumRowsKernel,
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(SumRowsKernel));
        kernel(sums.IntLength, x, sums);
    }

    /// <summary>A <see cref="GemmShape"/> as the kernel receives it: ILGPU passes only blittable structs, and bool is not.</summary>
    internal readonly struct TiledShape(GemmShape shape)
    {
        private readonly int _transposeA = shape.TransposeA ? 1 : 0, _transposeB = shape.TransposeB ? 1 : 0;

        public int M { get; } = shape.M;

        public int N { get; } = shape.N;

        public int K { get; } = shape.K;

        public int BatchStrideA { get; } = shape.BatchStrideA;

        public int BatchStrideB { get; } = shape.BatchStrideB;

        public int BatchStrideC { get; } = shape.BatchStrideC;

        public bool TransposeA => _transposeA != 0;

        public bool TransposeB => _transposeB != 0;
    }

    /// <summary>Four floats of one register-tile row; a struct so the kernel keeps them in registers.</summary>
    private readonly struct Quad(float x, float y, float z, float w)
    {
        public float X { get; } = x;

        public float Y { get; } = y;

        public float Z { get; } = z;

        public float W { get; } = w;

        public Quad AddScaled(float scale, Quad other) =>
            new(X + scale * other.X, Y + scale * other.Y, Z + scale * other.Z, W + scale * other.W);
    }
}
