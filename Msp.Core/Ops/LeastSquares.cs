using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>
/// The batched least-squares solve behind MSP's M* (the reference's <c>_solve</c> in models/dynamics_models.py, which
/// calls torch.linalg.solve on the normal equations). Gram matrices, Cholesky and substitution all run in double, so
/// the float32 result is the exact solution of the float32 inputs rounded once.
/// </summary>
public static class LeastSquares
{
    /// <summary>
    /// M = (h0ᵀh0)⁻¹ h0ᵀh1 per batch entry: h0 [b, r, a], h1 [b, r, c] → M [b, a, c], the M minimising ‖h0·M − h1‖².
    /// Throws <see cref="SingularSystemException"/> when some entry's h0 has linearly dependent columns. On an ILGPU
    /// device that check reads a status of b floats back, so every call synchronises the device once (the host waits
    /// for the solve; tens of microseconds on CUDA when the queue is empty, more when it is not).
    /// The forward keeps the double Cholesky factor and the double solution in a workspace for the backward.
    /// </summary>
    public static Tensor Solve(Tensor h0, Tensor h1)
    {
        var shape = Validate(h0, h1);
        var device = h0.Device;
        var m = Tensor.Empty(new Shape(shape.BatchSize, shape.Unknowns, shape.RightHandSides), device);
        var workspace = Tensor.Empty(new Shape(shape.WorkspaceFloats), device);
        var status = Tensor.Empty(new Shape(shape.BatchSize), device);
        if (device is IlgpuDevice gpu)
        {
            LeastSquaresKernels.Gram(gpu.Accelerator, h0.View, h1.View, shape, workspace.View);
            LeastSquaresKernels.Cholesky(gpu.Accelerator, workspace.View, shape, status.View);
            LeastSquaresKernels.Substitute(gpu.Accelerator, workspace.View, shape, m.View);
        }
        else
        {
            LeastSquaresKernels.Gram(h0.Span, h1.Span, shape, workspace.Span);
            LeastSquaresKernels.Cholesky(workspace.Span, shape, status.Span);
            LeastSquaresKernels.Substitute(workspace.Span, shape, m.Span);
        }
        ThrowIfSingular(status, shape);
        if (Tape.NeedsGrad(h0, h1))
            Tape.Record(m, mGrad => SolveBackward(h0, h1, workspace, mGrad, shape));
        return m;
    }

    /// <summary>
    /// With A = h0, Y = h1, G = AᵀA, M = G⁻¹AᵀY and Z = G⁻¹·mGrad [a, c]:
    /// dM = G⁻¹(dAᵀY + AᵀdY − (dAᵀA + AᵀdA)M), so ⟨mGrad, dM⟩ = ⟨Z, dAᵀY + AᵀdY⟩ − ⟨Z·Mᵀ, dAᵀA + AᵀdA⟩, giving
    ///   h1Grad += A·Z                  [r, c]
    ///   h0Grad += Y·Zᵀ − A·W,  W = Z·Mᵀ + M·Zᵀ   [r, a]  (equivalently (Y − A·M)·Zᵀ − A·Z·Mᵀ).
    /// Z and W are formed in double from the forward's double factor and solution.
    /// </summary>
    private static void SolveBackward(Tensor h0, Tensor h1, Tensor workspace, Tensor mGrad, LeastSquaresShape shape)
    {
        var adjoint = Tensor.Empty(new Shape(shape.WorkspaceFloats), h0.Device);
        if (h0.Device is IlgpuDevice gpu)
        {
            LeastSquaresKernels.Adjoint(gpu.Accelerator, workspace.View, mGrad.View, shape, adjoint.View);
            if (h0.RequiresGrad)
            {
                LeastSquaresKernels.GramGrad(gpu.Accelerator, workspace.View, shape, adjoint.View);
                LeastSquaresKernels.BackwardH0(gpu.Accelerator, h0.View, h1.View, adjoint.View, shape, h0.GradForAccumulation().View);
            }
            if (h1.RequiresGrad)
                LeastSquaresKernels.BackwardH1(gpu.Accelerator, h0.View, adjoint.View, shape, h1.GradForAccumulation().View);
        }
        else
        {
            LeastSquaresKernels.Adjoint(workspace.Span, mGrad.Span, shape, adjoint.Span);
            if (h0.RequiresGrad)
            {
                LeastSquaresKernels.GramGrad(workspace.Span, shape, adjoint.Span);
                LeastSquaresKernels.BackwardH0(h0.Span, h1.Span, adjoint.Span, shape, h0.GradForAccumulation().Span);
            }
            if (h1.RequiresGrad)
                LeastSquaresKernels.BackwardH1(h0.Span, adjoint.Span, shape, h1.GradForAccumulation().Span);
        }
    }

    private static LeastSquaresShape Validate(Tensor h0, Tensor h1)
    {
        const string op = "LeastSquares.Solve";
        Check.Rank(h0, 3, op, "h0 [batch, rows, a]");
        Check.Rank(h1, 3, op, "h1 [batch, rows, c]");
        Check.SameDevice(h0, h1, op);
        if (h0.Shape[0] != h1.Shape[0] || h0.Shape[1] != h1.Shape[1])
            throw new ArgumentException($"{op}: h0 {h0.Shape} and h1 {h1.Shape} must agree in batch and rows.");
        if (h0.Shape[2] == 0)
            throw new ArgumentException($"{op}: h0 {h0.Shape} has no columns, so there is nothing to solve for.");
        return new LeastSquaresShape(h0.Shape[0], h0.Shape[1], h0.Shape[2], h1.Shape[2]);
    }

    private static void ThrowIfSingular(Tensor status, LeastSquaresShape shape)
    {
        int batchSize = shape.BatchSize;
        if (batchSize == 0)
            return;
        Span<float> pivots = batchSize <= 1024 ? stackalloc float[batchSize] : new float[batchSize];
        status.Device.Download(status.Storage, pivots);
        int first = -1, count = 0;
        for (int batch = 0; batch < batchSize; batch++)
            if (pivots[batch] != 0f)
            {
                count++;
                if (first < 0)
                    first = batch;
            }
        if (first < 0)
            return;
        int column = (int)pivots[first] - 1;
        string others = count > 1 ? $" ({count - 1} other entr{(count == 2 ? "y is" : "ies are")} singular too)" : "";
        string tooFewRows = shape.Rows < shape.Unknowns
            ? $" Here rows {shape.Rows} < a {shape.Unknowns}, so h0ᵀh0 has rank at most {shape.Rows} in every entry."
            : "";
        throw new SingularSystemException(first, column,
            $"LeastSquares.Solve: the normal equations of batch entry {first}{others} are singular: column {column} of h0 " +
            $"[{batchSize}, {shape.Rows}, {shape.Unknowns}] is (numerically) a linear combination of the columns before it, so " +
            $"h0ᵀh0 is not positive definite.{tooFewRows} In MSP this happens when the encoder output collapses (constant, zero " +
            "or repeated latents, e.g. after a diverged step) or when dim_a exceeds the rows (time − 1)·dim_m; check the " +
            "encoder output and the learning rate, or lower dim_a / use longer sequences.");
    }
}
