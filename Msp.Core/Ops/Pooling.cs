using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Ops;

/// <summary>The reference ResBlock's resampling: F.avg_pool2d(x, 2) going down, nn.Upsample(scale_factor=2, mode='nearest') going up.</summary>
public static class Pooling
{
    /// <summary>Mean of each 2×2 block: x [n, c, h, w] (h, w even) → [n, c, h/2, w/2].</summary>
    public static Tensor AvgPool2(Tensor x)
    {
        const string op = nameof(Pooling) + "." + nameof(AvgPool2);
        Check.Rank(x, 4, op, "x");
        if (x.Shape[2] % 2 != 0 || x.Shape[3] % 2 != 0)
            throw new ArgumentException($"{op}: height and width must be even, got shape {x.Shape}.");
        var shape = new PoolingShape(x.Shape[0] * x.Shape[1], x.Shape[2] / 2, x.Shape[3] / 2);
        var y = Tensor.Empty(new Shape(x.Shape[0], x.Shape[1], shape.Height, shape.Width), x.Device);
        SumBlocks(x, shape, 0.25f, 0f, y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => SpreadBlocks(yGrad, shape, 0.25f, 1f, x.GradForAccumulation()));
        return y;
    }

    /// <summary>Nearest-neighbour upsampling by 2: x [n, c, h, w] → [n, c, 2h, 2w]. Backward sums each 2×2 block.</summary>
    public static Tensor Upsample2(Tensor x)
    {
        Check.Rank(x, 4, nameof(Pooling) + "." + nameof(Upsample2), "x");
        var shape = new PoolingShape(x.Shape[0] * x.Shape[1], x.Shape[2], x.Shape[3]);
        var y = Tensor.Empty(new Shape(x.Shape[0], x.Shape[1], shape.FineHeight, shape.FineWidth), x.Device);
        SpreadBlocks(x, shape, 1f, 0f, y);
        if (Tape.NeedsGrad(x))
            Tape.Record(y, yGrad => SumBlocks(yGrad, shape, 1f, 1f, x.GradForAccumulation()));
        return y;
    }

    private static void SumBlocks(Tensor fine, PoolingShape shape, float alpha, float beta, Tensor coarse)
    {
        if (fine.Device is IlgpuDevice gpu)
            PoolingKernels.SumBlocks(gpu.Accelerator, fine.View, shape, alpha, beta, coarse.View);
        else
            PoolingKernels.SumBlocks(fine.Span, shape, alpha, beta, coarse.Span);
    }

    private static void SpreadBlocks(Tensor coarse, PoolingShape shape, float alpha, float beta, Tensor fine)
    {
        if (coarse.Device is IlgpuDevice gpu)
            PoolingKernels.SpreadBlocks(gpu.Accelerator, coarse.View, shape, alpha, beta, fine.View);
        else
            PoolingKernels.SpreadBlocks(coarse.Span, shape, alpha, beta, fine.Span);
    }
}
