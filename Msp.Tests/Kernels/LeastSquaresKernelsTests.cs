using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Msp.Kernels;
using Msp.Tests.Support;

namespace Msp.Tests.Kernels;

/// <summary>The pivot test of the Cholesky kernels, where the op-level tests cannot steer the Gram matrix precisely.</summary>
public sealed class LeastSquaresKernelsTests
{
    // Five 2×2 Gram matrices [[1, cos θ], [cos θ, 1]] plus one right-hand side: the second pivot is sin²θ.
    // sin²θ = 0.5 and 1e-10 are solvable, 1e-14 is below RelativePivotFloor (1e-12), the zero matrix fails at its first pivot, NaN (in G01) at its second.
    private static readonly double[] SecondPivots = [0.5, 1e-10, 1e-14, 0.0, double.NaN];
    private static readonly float[] ExpectedStatus = [0f, 0f, 2f, 1f, 2f];
    private static readonly LeastSquaresShape Shape = new(SecondPivots.Length, Rows: 2, Unknowns: 2, RightHandSides: 1);

    [Test]
    public void Simd_cholesky_accepts_and_rejects_pivots_at_the_floor()
    {
        var workspace = Workspace();
        var status = new float[Shape.BatchSize];
        LeastSquaresKernels.Cholesky(workspace, Shape, status);
        Assert.That(status, Is.EqualTo(ExpectedStatus));
    }

    [Test]
    public void Ilgpu_cholesky_matches_the_simd_twin()
    {
        var accelerator = TestDevices.Simulator.Accelerator;
        var expectedWorkspace = Workspace();
        LeastSquaresKernels.Cholesky(expectedWorkspace, Shape, new float[Shape.BatchSize]);
        using var workspace = accelerator.Allocate1D(Workspace());
        using var status = accelerator.Allocate1D<float>(Shape.BatchSize);
        LeastSquaresKernels.Cholesky(accelerator, workspace.View, Shape, status.View);
        Assert.That(status.GetAsArray1D(), Is.EqualTo(ExpectedStatus));
        // The solvable entries (0 and 1) are factored with the same double operations in the same order.
        int solvedFloats = 2 * 2 * Shape.EntryDoubles;
        Assert.That(workspace.GetAsArray1D()[..solvedFloats], Is.EqualTo(expectedWorkspace[..solvedFloats]));
    }

    private static float[] Workspace()
    {
        var workspace = new float[Shape.WorkspaceFloats];
        var augmented = MemoryMarshal.Cast<float, double>(workspace.AsSpan());
        for (int batch = 0; batch < SecondPivots.Length; batch++)
        {
            double pivot = SecondPivots[batch];
            double diagonal = pivot == 0.0 ? 0.0 : 1.0, cosine = Math.Sqrt(1.0 - pivot);
            var entry = augmented.Slice(batch * Shape.EntryDoubles, Shape.EntryDoubles);
            entry[0] = diagonal;     // row 0: G00, G01, B0
            entry[1] = diagonal * cosine;
            entry[2] = 1.0;
            entry[3] = diagonal * cosine;  // row 1: G10, G11, B1
            entry[4] = diagonal;
            entry[5] = 1.0;
        }
        return workspace;
    }
}
