using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Batched least squares M = (AᵀA)⁻¹AᵀY via Cholesky of the Gram matrix, all in double: the managed half. Each twin
/// computes what its ILGPU kernel computes, spread over batch entries (or rows) on all cores. Workspaces are float
/// spans holding doubles, laid out as <see cref="LeastSquaresShape"/> says.
/// </summary>
public static unsafe partial class LeastSquaresKernels
{
    /// <summary>
    /// A Cholesky pivot d_k = G_kk − Σ_j L_kj² is rejected unless d_k &gt; RelativePivotFloor·G_kk. d_k / G_kk is
    /// sin²θ, θ the angle between column k of A and the span of columns 0..k−1: at 1e-12 (θ ≈ 1e-6 rad, a few float
    /// ulps) the float32 inputs no longer determine the solution, so the system counts as singular. It also rejects
    /// zero columns (G_kk = 0) and NaN.
    /// </summary>
    public const double RelativePivotFloor = 1e-12;

    // Target floating-point operations per CPU chunk: below it a Parallel.For costs more than it saves.
    private const long WorkPerChunk = 1 << 16;

    /// <summary>[G | B] = [AᵀA | AᵀY]: h0 [b, r, a], h1 [b, r, c] → workspace [b, a, w] (doubles). Sums over rows in
    /// the order the kernel does, one rank-1 update per row.</summary>
    public static void Gram(ReadOnlySpan<float> h0, ReadOnlySpan<float> h1, LeastSquaresShape shape, Span<float> workspace)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* h0Pointer = h0, h1Pointer = h1, workspacePointer = workspace)
        {
            nint h0Address = (nint)h0Pointer, h1Address = (nint)h1Pointer, workspaceAddress = (nint)workspacePointer;
            ForBatches(shape, (long)shape.Rows * shape.EntryDoubles, (start, end) =>
            {
                Span<double> row = w <= 1024 ? stackalloc double[w] : new double[w];
                for (int batch = start; batch < end; batch++)
                {
                    var augmented = Entry(workspaceAddress, shape, batch);
                    augmented.Clear();
                    float* rows0 = (float*)h0Address + (long)batch * shape.Rows * a;
                    float* rows1 = (float*)h1Address + (long)batch * shape.Rows * c;
                    for (int k = 0; k < shape.Rows; k++)
                    {
                        for (int q = 0; q < a; q++)
                            row[q] = rows0[k * a + q];
                        for (int j = 0; j < c; j++)
                            row[a + j] = rows1[k * c + j];
                        for (int p = 0; p < a; p++)
                            AddScaled(augmented.Slice(p * w, w), row[p], row);
                    }
                }
            });
        }
    }

    /// <summary>G = L·Lᵀ in place in the workspace [b, a, w]; status [b] = 0, or k + 1 when pivot k fails
    /// (<see cref="RelativePivotFloor"/>), as the kernel.</summary>
    public static void Cholesky(Span<float> workspace, LeastSquaresShape shape, Span<float> status)
    {
        int n = shape.Unknowns, w = shape.Width;
        fixed (float* workspacePointer = workspace, statusPointer = status)
        {
            nint workspaceAddress = (nint)workspacePointer, statusAddress = (nint)statusPointer;
            ForBatches(shape, (long)n * n * n / 6 + 1, (start, end) =>
            {
                for (int batch = start; batch < end; batch++)
                    ((float*)statusAddress)[batch] = FactorEntry(Entry(workspaceAddress, shape, batch), n, w);
            });
        }
    }

    // Left-looking Cholesky of one entry: column k of L from G's column k and the columns 0..k−1 of L.
    private static float FactorEntry(Span<double> augmented, int n, int w)
    {
        for (int k = 0; k < n; k++)
        {
            var rowK = augmented.Slice(k * w, k + 1);
            double pivot = rowK[k];
            for (int j = 0; j < k; j++)
                pivot -= rowK[j] * rowK[j];
            if (!(pivot > RelativePivotFloor * rowK[k]))
                return k + 1;
            double diagonal = Math.Sqrt(pivot);
            rowK[k] = diagonal;
            for (int i = k + 1; i < n; i++)
            {
                var rowI = augmented.Slice(i * w, k + 1);
                double sum = rowI[k];
                for (int j = 0; j < k; j++)
                    sum -= rowI[j] * rowK[j];
                rowI[k] = sum / diagonal;
            }
        }
        return 0f;
    }

    /// <summary>B := L⁻ᵀL⁻¹B in the factored workspace [b, a, w]; M [b, a, c] gets it rounded to float.</summary>
    public static void Substitute(Span<float> workspace, LeastSquaresShape shape, Span<float> m)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* workspacePointer = workspace, mPointer = m)
        {
            nint workspaceAddress = (nint)workspacePointer, mAddress = (nint)mPointer;
            ForBatches(shape, 2L * a * a * c + 1, (start, end) =>
            {
                for (int batch = start; batch < end; batch++)
                {
                    var augmented = Entry(workspaceAddress, shape, batch);
                    float* mEntry = (float*)mAddress + (long)batch * a * c;
                    for (int j = 0; j < c; j++)
                    {
                        SolveColumn(augmented, shape, augmented[(a + j)..], w);
                        for (int p = 0; p < a; p++)
                            mEntry[p * c + j] = (float)augmented[p * w + a + j];
                    }
                }
            });
        }
    }

    /// <summary>Z = G⁻¹·mGrad: factored workspace [b, a, w], mGrad [b, a, c] → Z part of the adjoint [b, a, w].</summary>
    public static void Adjoint(ReadOnlySpan<float> workspace, ReadOnlySpan<float> mGrad, LeastSquaresShape shape, Span<float> adjoint)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* workspacePointer = workspace, mGradPointer = mGrad, adjointPointer = adjoint)
        {
            nint workspaceAddress = (nint)workspacePointer, mGradAddress = (nint)mGradPointer, adjointAddress = (nint)adjointPointer;
            ForBatches(shape, 2L * a * a * c + 1, (start, end) =>
            {
                for (int batch = start; batch < end; batch++)
                {
                    var factor = Entry(workspaceAddress, shape, batch);
                    var target = Entry(adjointAddress, shape, batch);
                    float* mGradEntry = (float*)mGradAddress + (long)batch * a * c;
                    for (int j = 0; j < c; j++)
                    {
                        for (int p = 0; p < a; p++)
                            target[p * w + a + j] = mGradEntry[p * c + j];
                        SolveColumn(factor, shape, target[(a + j)..], w);
                    }
                }
            });
        }
    }

    /// <summary>W = Z·Mᵀ + M·Zᵀ: solved workspace [b, a, w] and the adjoint's Z part → the adjoint's W part.</summary>
    public static void GramGrad(ReadOnlySpan<float> workspace, LeastSquaresShape shape, Span<float> adjoint)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* workspacePointer = workspace, adjointPointer = adjoint)
        {
            nint workspaceAddress = (nint)workspacePointer, adjointAddress = (nint)adjointPointer;
            ForBatches(shape, 2L * a * a * c + 1, (start, end) =>
            {
                for (int batch = start; batch < end; batch++)
                {
                    var solved = Entry(workspaceAddress, shape, batch);
                    var target = Entry(adjointAddress, shape, batch);
                    for (int q = 0; q < a; q++)
                        for (int p = 0; p < a; p++)
                        {
                            double sum = 0.0;
                            for (int j = 0; j < c; j++)
                                sum += target[q * w + a + j] * solved[p * w + a + j] + solved[q * w + a + j] * target[p * w + a + j];
                            target[q * w + p] = sum;
                        }
                }
            });
        }
    }

    /// <summary>h1Grad [b, r, c] += A·Z, with h0 [b, r, a] and the adjoint workspace [b, a, w].</summary>
    public static void BackwardH1(ReadOnlySpan<float> h0, ReadOnlySpan<float> adjoint, LeastSquaresShape shape, Span<float> h1Grad)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* h0Pointer = h0, adjointPointer = adjoint, h1GradPointer = h1Grad)
        {
            nint h0Address = (nint)h0Pointer, adjointAddress = (nint)adjointPointer, h1GradAddress = (nint)h1GradPointer;
            ForRows(shape, (long)a * c + 1, (start, end) =>
            {
                Span<double> sum = c <= 1024 ? stackalloc double[c] : new double[c];
                for (int row = start; row < end; row++)
                {
                    var z = Entry(adjointAddress, shape, row / shape.Rows);
                    float* h0Row = (float*)h0Address + (long)row * a;
                    float* gradRow = (float*)h1GradAddress + (long)row * c;
                    sum.Clear();
                    for (int p = 0; p < a; p++)
                        AddScaled(sum, h0Row[p], z.Slice(p * w + a, c));
                    for (int j = 0; j < c; j++)
                        gradRow[j] += (float)sum[j];
                }
            });
        }
    }

    /// <summary>h0Grad [b, r, a] += Y·Zᵀ − A·W, with h0 [b, r, a], h1 [b, r, c] and the adjoint workspace [b, a, w].</summary>
    public static void BackwardH0(ReadOnlySpan<float> h0, ReadOnlySpan<float> h1, ReadOnlySpan<float> adjoint, LeastSquaresShape shape,
        Span<float> h0Grad)
    {
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        fixed (float* h0Pointer = h0, h1Pointer = h1, adjointPointer = adjoint, h0GradPointer = h0Grad)
        {
            nint h0Address = (nint)h0Pointer, h1Address = (nint)h1Pointer, adjointAddress = (nint)adjointPointer;
            nint h0GradAddress = (nint)h0GradPointer;
            ForRows(shape, (long)a * w + 1, (start, end) =>
            {
                Span<double> sum = a <= 1024 ? stackalloc double[a] : new double[a];
                for (int row = start; row < end; row++)
                {
                    var entry = Entry(adjointAddress, shape, row / shape.Rows);
                    float* h0Row = (float*)h0Address + (long)row * a;
                    float* h1Row = (float*)h1Address + (long)row * c;
                    float* gradRow = (float*)h0GradAddress + (long)row * a;
                    for (int p = 0; p < a; p++)
                    {
                        double dot = 0.0;
                        for (int j = 0; j < c; j++)
                            dot += h1Row[j] * entry[p * w + a + j];
                        sum[p] = dot;
                    }
                    for (int q = 0; q < a; q++)
                        AddScaled(sum, -h0Row[q], entry.Slice(q * w, a));
                    for (int p = 0; p < a; p++)
                        gradRow[p] += (float)sum[p];
                }
            });
        }
    }

    // x := L⁻ᵀL⁻¹x for the column x[p·stride], p in [0, a), with L in the lower triangle of `factor`.
    private static void SolveColumn(ReadOnlySpan<double> factor, LeastSquaresShape shape, Span<double> column, int stride)
    {
        int n = shape.Unknowns, w = shape.Width;
        for (int p = 0; p < n; p++)
        {
            double sum = column[p * stride];
            for (int q = 0; q < p; q++)
                sum -= factor[p * w + q] * column[q * stride];
            column[p * stride] = sum / factor[p * w + p];
        }
        for (int p = n - 1; p >= 0; p--)
        {
            double sum = column[p * stride];
            for (int q = p + 1; q < n; q++)
                sum -= factor[q * w + p] * column[q * stride];
            column[p * stride] = sum / factor[p * w + p];
        }
    }

    // target += scale · source, four doubles at a time.
    private static void AddScaled(Span<double> target, double scale, ReadOnlySpan<double> source)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var factor = Vector256.Create(scale);
            ref double targetStart = ref MemoryMarshal.GetReference(target);
            ref double sourceStart = ref MemoryMarshal.GetReference(source);
            for (; i <= target.Length - 4; i += 4)
            {
                var sum = Vector256.LoadUnsafe(ref targetStart, (nuint)i) + factor * Vector256.LoadUnsafe(ref sourceStart, (nuint)i);
                sum.StoreUnsafe(ref targetStart, (nuint)i);
            }
        }
        for (; i < target.Length; i++)
            target[i] += scale * source[i];
    }

    // The doubles of one batch entry's augmented matrix inside a float workspace.
    private static Span<double> Entry(nint workspaceAddress, LeastSquaresShape shape, int batch) =>
        new((double*)workspaceAddress + (long)batch * shape.EntryDoubles, shape.EntryDoubles);

    private static void ForBatches(LeastSquaresShape shape, long workPerBatch, Action<int, int> body) =>
        CpuParallel.For(shape.BatchSize, (int)Math.Max(1, WorkPerChunk / workPerBatch), body);

    private static void ForRows(LeastSquaresShape shape, long workPerRow, Action<int, int> body) =>
        CpuParallel.For(shape.BatchSize * shape.Rows, (int)Math.Max(1, WorkPerChunk / workPerRow), body);
}
