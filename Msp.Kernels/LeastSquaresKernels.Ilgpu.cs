using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>
/// Batched least squares M = (AᵀA)⁻¹AᵀY via Cholesky of the Gram matrix, all in double: the ILGPU half.
/// Workspaces are float buffers viewed as doubles (<see cref="LeastSquaresShape"/> gives the layout); the launchers
/// take them as floats so both halves and the tensors that hold them speak one element type.
/// </summary>
public static partial class LeastSquaresKernels
{
    // Legend for every kernel below: a = Unknowns, c = RightHandSides, r = Rows, w = a + c.

    /// <summary>[G | B] = [AᵀA | AᵀY] per batch entry: one thread per entry of the augmented matrix, summing over rows
    /// in double (products of floats are exact in double, so only the sum rounds).</summary>
    private static void GramKernel(Index1D thread, ArrayView<float> h0, ArrayView<float> h1, LeastSquaresShape shape,
        ArrayView<double> augmented)
    {
        int index = thread;
        if (index >= shape.BatchSize * shape.EntryDoubles)
            return;
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        int batch = index / shape.EntryDoubles, p = index % shape.EntryDoubles / w, q = index % w;
        int rowBase0 = batch * shape.Rows * a, rowBase1 = batch * shape.Rows * c;
        double sum = 0.0;
        for (int k = 0; k < shape.Rows; k++)
        {
            float other = q < a ? h0[rowBase0 + k * a + q] : h1[rowBase1 + k * c + q - a];
            sum += (double)h0[rowBase0 + k * a + p] * other;
        }
        augmented[index] = sum;
    }

    /// <summary>h0 [b, r, a], h1 [b, r, c] → augmented workspace [b, a, w] holding [AᵀA | AᵀY].</summary>
    public static void Gram(Accelerator accelerator, ArrayView<float> h0, ArrayView<float> h1, LeastSquaresShape shape,
        ArrayView<float> workspace)
    {
        int extent = shape.BatchSize * shape.EntryDoubles;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, GramKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<float>, ArrayView<float>, LeastSquaresShape, ArrayView<double>>(GramKernel));
        kernel(extent, h0, h1, shape, workspace.Cast<double>());
    }

    /// <summary>G = L·Lᵀ in place (lower triangle), one thread per batch entry. status[batch] = 0 on success, or
    /// k + 1 when pivot k is not positive enough (see <see cref="RelativePivotFloor"/>); L is then incomplete.</summary>
    private static void CholeskyKernel(Index1D thread, ArrayView<double> augmented, LeastSquaresShape shape, ArrayView<float> status)
    {
        int batch = thread;
        if (batch >= shape.BatchSize)
            return;
        int n = shape.Unknowns, w = shape.Width, entry = batch * shape.EntryDoubles;
        status[batch] = 0f;
        for (int k = 0; k < n; k++)
        {
            int rowK = entry + k * w;
            double pivot = augmented[rowK + k];
            for (int j = 0; j < k; j++)
                pivot -= augmented[rowK + j] * augmented[rowK + j];
            if (!(pivot > RelativePivotFloor * augmented[rowK + k]))
            {
                status[batch] = k + 1;
                return;
            }
            double diagonal = Math.Sqrt(pivot);
            augmented[rowK + k] = diagonal;
            for (int i = k + 1; i < n; i++)
            {
                int rowI = entry + i * w;
                double sum = augmented[rowI + k];
                for (int j = 0; j < k; j++)
                    sum -= augmented[rowI + j] * augmented[rowK + j];
                augmented[rowI + k] = sum / diagonal;
            }
        }
    }

    /// <summary>Factors the G part of the workspace [b, a, w] in place; writes status [b] (0 = positive definite).</summary>
    public static void Cholesky(Accelerator accelerator, ArrayView<float> workspace, LeastSquaresShape shape, ArrayView<float> status)
    {
        if (shape.BatchSize == 0)
            return;
        var kernel = KernelCache.Get(accelerator, CholeskyKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<double>, LeastSquaresShape, ArrayView<float>>(CholeskyKernel));
        kernel(shape.BatchSize, workspace.Cast<double>(), shape, status);
    }

    /// <summary>B := G⁻¹B = L⁻ᵀL⁻¹B, one thread per (batch entry, right-hand side); M [b, a, c] gets the result
    /// rounded to float, the workspace keeps it in double for the backward.</summary>
    private static void SubstituteKernel(Index1D thread, ArrayView<double> augmented, LeastSquaresShape shape, ArrayView<float> m)
    {
        int index = thread;
        if (index >= shape.BatchSize * shape.RightHandSides)
            return;
        int a = shape.Unknowns, c = shape.RightHandSides;
        int batch = index / c, j = index % c, entry = batch * shape.EntryDoubles;
        SolveColumn(augmented, entry, shape, augmented, entry + a + j, shape.Width);
        for (int p = 0; p < a; p++)
            m[batch * a * c + p * c + j] = (float)augmented[entry + p * shape.Width + a + j];
    }

    /// <summary>Solves the B part of the factored workspace in place and writes M [b, a, c].</summary>
    public static void Substitute(Accelerator accelerator, ArrayView<float> workspace, LeastSquaresShape shape, ArrayView<float> m)
    {
        int extent = shape.BatchSize * shape.RightHandSides;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, SubstituteKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<double>, LeastSquaresShape, ArrayView<float>>(SubstituteKernel));
        kernel(extent, workspace.Cast<double>(), shape, m);
    }

    /// <summary>Z = G⁻¹·mGrad into the Z part of the adjoint workspace, one thread per (batch entry, column).</summary>
    private static void AdjointKernel(Index1D thread, ArrayView<double> augmented, ArrayView<float> mGrad, LeastSquaresShape shape,
        ArrayView<double> adjoint)
    {
        int index = thread;
        if (index >= shape.BatchSize * shape.RightHandSides)
            return;
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        int batch = index / c, j = index % c, entry = batch * shape.EntryDoubles;
        for (int p = 0; p < a; p++)
            adjoint[entry + p * w + a + j] = mGrad[batch * a * c + p * c + j];
        SolveColumn(augmented, entry, shape, adjoint, entry + a + j, w);
    }

    /// <summary>Factored workspace [b, a, w], mGrad [b, a, c] → adjoint workspace [b, a, w] with Z = G⁻¹·mGrad.</summary>
    public static void Adjoint(Accelerator accelerator, ArrayView<float> workspace, ArrayView<float> mGrad, LeastSquaresShape shape,
        ArrayView<float> adjoint)
    {
        int extent = shape.BatchSize * shape.RightHandSides;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, AdjointKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<double>, ArrayView<float>, LeastSquaresShape, ArrayView<double>>(AdjointKernel));
        kernel(extent, workspace.Cast<double>(), mGrad, shape, adjoint.Cast<double>());
    }

    /// <summary>W = Z·Mᵀ + M·Zᵀ [a, a] into the W part of the adjoint workspace, one thread per entry.</summary>
    private static void GramGradKernel(Index1D thread, ArrayView<double> augmented, LeastSquaresShape shape, ArrayView<double> adjoint)
    {
        int index = thread;
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        if (index >= shape.BatchSize * a * a)
            return;
        int batch = index / (a * a), q = index % (a * a) / a, p = index % a, entry = batch * shape.EntryDoubles;
        int rowQ = entry + q * w + a, rowP = entry + p * w + a;
        double sum = 0.0;
        for (int j = 0; j < c; j++)
            sum += adjoint[rowQ + j] * augmented[rowP + j] + augmented[rowQ + j] * adjoint[rowP + j];
        adjoint[entry + q * w + p] = sum;
    }

    /// <summary>Solved workspace [b, a, w] and the Z part of the adjoint → W part of the adjoint.</summary>
    public static void GramGrad(Accelerator accelerator, ArrayView<float> workspace, LeastSquaresShape shape, ArrayView<float> adjoint)
    {
        int extent = shape.BatchSize * shape.Unknowns * shape.Unknowns;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, GramGradKernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<double>, LeastSquaresShape, ArrayView<double>>(GramGradKernel));
        kernel(extent, workspace.Cast<double>(), shape, adjoint.Cast<double>());
    }

    /// <summary>h1Grad[b, k, j] += Σ_p h0[b, k, p]·Z[b, p, j], one thread per element of h1Grad.</summary>
    private static void BackwardH1Kernel(Index1D thread, ArrayView<float> h0, ArrayView<double> adjoint, LeastSquaresShape shape,
        ArrayView<float> h1Grad)
    {
        int index = thread;
        int a = shape.Unknowns, c = shape.RightHandSides;
        if (index >= shape.BatchSize * shape.Rows * c)
            return;
        int row = index / c, j = index % c, batch = row / shape.Rows;
        int zColumn = batch * shape.EntryDoubles + a + j;
        double sum = 0.0;
        for (int p = 0; p < a; p++)
            sum += h0[row * a + p] * adjoint[zColumn + p * shape.Width];
        h1Grad[index] += (float)sum;
    }

    /// <summary>h0 [b, r, a], adjoint workspace [b, a, w] → h1Grad [b, r, c] += A·Z.</summary>
    public static void BackwardH1(Accelerator accelerator, ArrayView<float> h0, ArrayView<float> adjoint, LeastSquaresShape shape,
        ArrayView<float> h1Grad)
    {
        int extent = shape.BatchSize * shape.Rows * shape.RightHandSides;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, BackwardH1Kernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<float>, ArrayView<double>, LeastSquaresShape, ArrayView<float>>(BackwardH1Kernel));
        kernel(extent, h0, adjoint.Cast<double>(), shape, h1Grad);
    }

    /// <summary>h0Grad[b, k, p] += Σ_j h1[b, k, j]·Z[b, p, j] − Σ_q h0[b, k, q]·W[b, q, p], one thread per element.</summary>
    private static void BackwardH0Kernel(Index1D thread, ArrayView<float> h0, ArrayView<float> h1, ArrayView<double> adjoint,
        LeastSquaresShape shape, ArrayView<float> h0Grad)
    {
        int index = thread;
        int a = shape.Unknowns, c = shape.RightHandSides, w = shape.Width;
        if (index >= shape.BatchSize * shape.Rows * a)
            return;
        int row = index / a, p = index % a, batch = row / shape.Rows, entry = batch * shape.EntryDoubles;
        double sum = 0.0;
        for (int j = 0; j < c; j++)
            sum += h1[row * c + j] * adjoint[entry + p * w + a + j];
        for (int q = 0; q < a; q++)
            sum -= h0[row * a + q] * adjoint[entry + q * w + p];
        h0Grad[index] += (float)sum;
    }

    /// <summary>h0 [b, r, a], h1 [b, r, c], adjoint workspace [b, a, w] → h0Grad [b, r, a] += Y·Zᵀ − A·W.</summary>
    public static void BackwardH0(Accelerator accelerator, ArrayView<float> h0, ArrayView<float> h1, ArrayView<float> adjoint,
        LeastSquaresShape shape, ArrayView<float> h0Grad)
    {
        int extent = shape.BatchSize * shape.Rows * shape.Unknowns;
        if (extent == 0)
            return;
        var kernel = KernelCache.Get(accelerator, BackwardH0Kernel, accelerator => accelerator.LoadAutoGroupedStreamKernel<
            Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, LeastSquaresShape, ArrayView<float>>(BackwardH0Kernel));
        kernel(extent, h0, h1, adjoint.Cast<double>(), shape, h0Grad);
    }

    /// <summary>x := L⁻ᵀL⁻¹x for the factor at <paramref name="factorEntry"/> and the column of
    /// <paramref name="target"/> starting at <paramref name="columnStart"/> with stride <paramref name="stride"/>.</summary>
    private static void SolveColumn(ArrayView<double> factor, int factorEntry, LeastSquaresShape shape, ArrayView<double> target,
        int columnStart, int stride)
    {
        int n = shape.Unknowns, w = shape.Width;
        for (int p = 0; p < n; p++)
        {
            double sum = target[columnStart + p * stride];
            for (int q = 0; q < p; q++)
                sum -= factor[factorEntry + p * w + q] * target[columnStart + q * stride];
            target[columnStart + p * stride] = sum / factor[factorEntry + p * w + p];
        }
        for (int p = n - 1; p >= 0; p--)
        {
            double sum = target[columnStart + p * stride];
            for (int q = p + 1; q < n; q++)
                sum -= factor[factorEntry + q * w + p] * target[columnStart + q * stride];
            target[columnStart + p * stride] = sum / factor[factorEntry + p * w + p];
        }
    }
}
