using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>Matrix products: batched matmul and the linear layer. Each backward is two more products through the same GEMM.</summary>
public static class MatMul
{
    /// <summary>
    /// y [..., m, n] = op(a) · op(b) with op(a) = a [..., m, k] (stored [..., k, m] when <paramref name="transposeA"/>) and
    /// op(b) = b [..., k, n] (stored [..., n, k] when <paramref name="transposeB"/>). The leading (batch) dimensions of a
    /// and b are equal, or b has rank 2 and one matrix serves the whole batch. Backward keeps a and b.
    /// </summary>
    public static Tensor Batched(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        const string op = "MatMul.Batched";
        Check.SameDevice(a, b, op);
        int rank = a.Shape.Rank;
        if (rank < 2 || b.Shape.Rank < 2)
            throw new ArgumentException($"{op}: a {a.Shape} and b {b.Shape} must both have rank 2 or more.");
        bool shareB = b.Shape.Rank == 2 && rank > 2;
        if (!shareB && !a.Shape.ToArray()[..^2].SequenceEqual(b.Shape.ToArray()[..^2]))
            throw new ArgumentException($"{op}: batch dimensions of a {a.Shape} and b {b.Shape} differ (b may also be one rank-2 matrix).");
        int m = transposeA ? a.Shape[-1] : a.Shape[-2], k = transposeA ? a.Shape[-2] : a.Shape[-1];
        int kOfB = transposeB ? b.Shape[-1] : b.Shape[-2], n = transposeB ? b.Shape[-2] : b.Shape[-1];
        if (k != kOfB)
            throw new ArgumentException(
                $"{op}: inner dimensions differ: a {a.Shape}{(transposeA ? "ᵀ" : "")} gives k = {k}, b {b.Shape}{(transposeB ? "ᵀ" : "")} gives k = {kOfB}.");
        var product = new BatchedProduct(a.Shape.SizeOf(0, rank - 2), m, n, k, transposeA, transposeB, shareB);
        var dims = a.Shape.ToArray();
        (dims[^2], dims[^1]) = (m, n);
        var y = Tensor.Empty(new Shape(dims), a.Device);
        Gemm(a, 0, b, 0, product.Forward, 0f, y, 0);
        if (Tape.NeedsGrad(a, b))
            Tape.Record(y, yGrad => BatchedBackward(a, b, yGrad, product));
        return y;
    }

    private static void BatchedBackward(Tensor a, Tensor b, Tensor yGrad, BatchedProduct product)
    {
        if (a.RequiresGrad)
        {
            // aGrad [m, k] += yGrad · op(b)ᵀ, or stored [k, m]: aGrad += op(b) · yGradᵀ.
            if (product.TransposeA)
                Gemm(b, 0, yGrad, 0, product.TransposedAGradient, 1f, a.GradForAccumulation(), 0);
            else
                Gemm(yGrad, 0, b, 0, product.AGradient, 1f, a.GradForAccumulation(), 0);
        }
        if (!b.RequiresGrad)
            return;
        var bGrad = b.GradForAccumulation();
        // A shared b sums its gradient over the batch; when a is stored transposed that sum takes one product per entry.
        int calls = product.ShareB && product.TransposeA ? product.Batch : 1;
        var shape = product.BGradient(calls == 1 ? product.FoldedBatch : 1);
        for (int entry = 0; entry < calls; entry++)
        {
            int aOffset = entry * product.M * product.K, gradOffset = entry * product.M * product.N;
            // bGrad [k, n] += op(a)ᵀ · yGrad, or stored [n, k]: bGrad += yGradᵀ · op(a).
            if (product.TransposeB)
                Gemm(yGrad, gradOffset, a, aOffset, shape, 1f, bGrad, 0);
            else
                Gemm(a, aOffset, yGrad, gradOffset, shape, 1f, bGrad, 0);
        }
    }

    /// <summary>nn.Linear: y [rows, out] = x [rows, in] · weightᵀ (weight [out, in]) + bias [out] (null: none).
    /// Backward keeps x and weight.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        const string op = "MatMul.Linear";
        Check.Rank(x, 2, op, "x");
        Check.Rank(weight, 2, op, "weight");
        Check.SameDevice(x, weight, op);
        if (x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"{op}: x {x.Shape} has {x.Shape[1]} features, weight {weight.Shape} expects {weight.Shape[1]}.");
        if (bias is not null)
        {
            Check.SameDevice(x, bias, op);
            if (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0])
                throw new ArgumentException($"{op}: bias {bias.Shape} must be [{weight.Shape[0]}] for weight {weight.Shape}.");
        }
        int rows = x.Shape[0], inFeatures = x.Shape[1], outFeatures = weight.Shape[0];
        var y = Tensor.Empty(new Shape(rows, outFeatures), x.Device);
        if (bias is not null)
        {
            if (y.Device is IlgpuDevice gpu)
                GemmKernels.RepeatRows(gpu.Accelerator, bias.View, y.View);
            else
                GemmKernels.RepeatRows(bias.Span, y.Span);
        }
        Gemm(x, 0, weight, 0, new GemmShape(1, rows, outFeatures, inFeatures, TransposeB: true), bias is null ? 0f : 1f, y, 0);
        if (Tape.NeedsGrad(x, weight, bias))
            Tape.Record(y, yGrad => LinearBackward(x, weight, bias, yGrad));
        return y;
    }

    private static void LinearBackward(Tensor x, Tensor weight, Tensor? bias, Tensor yGrad)
    {
        int rows = x.Shape[0], inFeatures = x.Shape[1], outFeatures = weight.Shape[0];
        if (x.RequiresGrad)
            Gemm(yGrad, 0, weight, 0, new GemmShape(1, rows, inFeatures, outFeatures), 1f, x.GradForAccumulation(), 0);
        if (weight.RequiresGrad)
            Gemm(yGrad, 0, x, 0, new GemmShape(1, outFeatures, inFeatures, rows, TransposeA: true), 1f, weight.GradForAccumulation(), 0);
        if (bias is { RequiresGrad: true })
        {
            var biasGrad = bias.GradForAccumulation();
            if (yGrad.Device is IlgpuDevice gpu)
                GemmKernels.SumRows(gpu.Accelerator, yGrad.View, biasGrad.View);
            else
                GemmKernels.SumRows(yGrad.Span, biasGrad.Span);
        }
    }

    /// <summary>c[cOffset..] = a[aOffset..] · b[bOffset..] + beta · c[cOffset..] as <paramref name="shape"/> says.</summary>
    private static void Gemm(Tensor a, int aOffset, Tensor b, int bOffset, GemmShape shape, float beta, Tensor c, int cOffset)
    {
        if (c.Device is IlgpuDevice gpu)
            GemmKernels.Multiply(gpu.Accelerator, a.View.SubView(aOffset, shape.SizeA), b.View.SubView(bOffset, shape.SizeB), shape, 1f, beta,
                c.View.SubView(cOffset, shape.SizeC));
        else
            GemmKernels.Multiply(a.Span[aOffset..], b.Span[bOffset..], shape, 1f, beta, c.Span[cOffset..]);
    }

    /// <summary>The GEMMs of one batched product and of its two gradients.</summary>
    private readonly record struct BatchedProduct(int Batch, int M, int N, int K, bool TransposeA, bool TransposeB, bool ShareB)
    {
        // With b shared and a stored untransposed, a and y are plain [batch·m, ·] matrices: one tall GEMM instead of many.
        private bool Fold => ShareB && !TransposeA;

        private int Entries => Fold ? 1 : Batch;

        private int Rows => Fold ? Batch * M : M;

        /// <summary>The batch entries the b gradient sums over in one product (all of them once folded).</summary>
        public int FoldedBatch => Fold ? 1 : Batch;

        public GemmShape Forward => new(Entries, Rows, N, K, TransposeA, TransposeB, ShareB: ShareB);

        /// <summary>aGrad [m, k] += yGrad [m, n] · op(b)ᵀ.</summary>
        public GemmShape AGradient => new(Entries, Rows, K, N, TransposeB: !TransposeB, ShareB: ShareB);

        /// <summary>aGrad stored [k, m] += op(b) [k, n] · yGradᵀ.</summary>
        public GemmShape TransposedAGradient => new(Entries, K, M, N, TransposeA: TransposeB, TransposeB: true, ShareA: ShareB);

        /// <summary>bGrad [k, n] += op(a)ᵀ · yGrad, or stored [n, k]: yGradᵀ · op(a), over <paramref name="entries"/> batch entries
        /// (rows of a folded batch count as depth).</summary>
        public GemmShape BGradient(int entries) => TransposeB
            ? new GemmShape(entries, N, K, Fold ? Rows : M, TransposeA: true, TransposeB: TransposeA)
            : new GemmShape(entries, K, N, Fold ? Rows : M, TransposeA: !TransposeA);
    }
}
