using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>
/// Group normalisation: the ILGPU half, one group of <see cref="RowGroups.Size"/> threads per (batch, group) row
/// (see <see cref="RowGroups"/>), the same formulas as the SIMD half. Shapes as there.
/// </summary>
public static partial class GroupNormKernels
{
    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, GroupNormShape shape,
        float epsilon, float floor, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> rstd)
    {
        int row = Grid.IdxX, thread = Group.IdxX, length = shape.RowLength, rowStart = row * length;
        float partial = 0f;
        for (int i = thread; i < length; i += RowGroups.Size)
            partial += x[rowStart + i];
        float m = RowGroups.Sum(partial) / length;
        partial = 0f;
        for (int i = thread; i < length; i += RowGroups.Size)
        {
            float centered = x[rowStart + i] - m;
            partial += centered * centered;
        }
        float r = 1f / MathF.Sqrt(RowGroups.Sum(partial) / length + epsilon);
        if (thread == 0)
        {
            mean[row] = m;
            rstd[row] = r;
        }
        int firstChannel = row % shape.Groups * shape.ChannelsPerGroup;
        for (int i = thread; i < length; i += RowGroups.Size)
        {
            int c = firstChannel + i / shape.Spatial;
            y[rowStart + i] = IntrinsicMath.Max((x[rowStart + i] - m) * (r * weight[c]) + bias[c], floor);
        }
    }

    public static void Forward(Accelerator accelerator, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        GroupNormShape shape, float epsilon, float floor, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> rstd)
    {
        if (shape.Rows == 0)
            return;
        var kernel = KernelCache.Get(accelerator, ForwardKernel, a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>,
            ArrayView<float>, GroupNormShape, float, float, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ForwardKernel));
        kernel(RowGroups.Config(shape.Rows), x, weight, bias, shape, epsilon, floor, y, mean, rstd);
    }

    private static void BackwardKernel(ArrayView<float> x, ArrayView<float> yGrad, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> mean, ArrayView<float> rstd, GroupNormShape shape, float floor, ArrayView<float> xGrad, ArrayView<float> channelSums)
    {
        int row = Grid.IdxX, thread = Group.IdxX, length = shape.RowLength, spatial = shape.Spatial, rowStart = row * length;
        int batch = row / shape.Groups, firstChannel = row % shape.Groups * shape.ChannelsPerGroup;
        float m = mean[row], r = rstd[row], groupDy = 0f, groupDyXhat = 0f;
        for (int k = 0; k < shape.ChannelsPerGroup; k++)
        {
            int c = firstChannel + k, channelStart = rowStart + k * spatial;
            float partialDy = 0f, partialDyXhat = 0f;
            for (int i = thread; i < spatial; i += RowGroups.Size)
            {
                float centered = x[channelStart + i] - m;
                float dy = centered * (r * weight[c]) + bias[c] > floor ? yGrad[channelStart + i] : 0f;
                partialDy += dy;
                partialDyXhat += dy * (centered * r);
            }
            float sumDy = RowGroups.Sum(partialDy), sumDyXhat = RowGroups.Sum(partialDyXhat);
            if (thread == 0)
            {
                channelSums[batch * shape.Channels + c] = sumDyXhat;
                channelSums[(shape.Batch + batch) * shape.Channels + c] = sumDy;
            }
            groupDy += weight[c] * sumDy;
            groupDyXhat += weight[c] * sumDyXhat;
        }
        if (xGrad.Length == 0)
            return;
        float meanDy = groupDy / length, meanDyXhat = groupDyXhat / length;
        for (int i = thread; i < length; i += RowGroups.Size)
        {
            int c = firstChannel + i / spatial;
            float centered = x[rowStart + i] - m;
            float dy = centered * (r * weight[c]) + bias[c] > floor ? yGrad[rowStart + i] : 0f;
            xGrad[rowStart + i] += r * (dy * weight[c] - meanDy - centered * r * meanDyXhat);
        }
    }

    public static void Backward(Accelerator accelerator, ArrayView<float> x, ArrayView<float> yGrad, ArrayView<float> weight,
        ArrayView<float> bias, ArrayView<float> mean, ArrayView<float> rstd, GroupNormShape shape, float floor, ArrayView<float> xGrad,
        ArrayView<float> channelSums)
    {
        if (shape.Rows == 0)
            return;
        var kernel = KernelCache.Get(accelerator, BackwardKernel, a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GroupNormShape, float, ArrayView<float>,
            ArrayView<float>>(BackwardKernel));
        kernel(RowGroups.Config(shape.Rows), x, yGrad, weight, bias, mean, rstd, shape, floor, xGrad, channelSums);
    }

    private static void BackwardParametersKernel(Index1D c, ArrayView<float> channelSums, GroupNormShape shape,
        ArrayView<float> weightGrad, ArrayView<float> biasGrad)
    {
        float dyXhat = 0f, dy = 0f;
        for (int batch = 0; batch < shape.Batch; batch++)
        {
            dyXhat += channelSums[batch * shape.Channels + c];
            dy += channelSums[(shape.Batch + batch) * shape.Channels + c];
        }
        if (weightGrad.Length > 0)
            weightGrad[c] += dyXhat;
        if (biasGrad.Length > 0)
            biasGrad[c] += dy;
    }

    public static void BackwardParameters(Accelerator accelerator, ArrayView<float> channelSums, GroupNormShape shape,
        ArrayView<float> weightGrad, ArrayView<float> biasGrad)
    {
        if (shape.Channels == 0)
            return;
        var kernel = KernelCache.Get(accelerator, BackwardParametersKernel, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>,
            GroupNormShape, ArrayView<float>, ArrayView<float>>(BackwardParametersKernel));
        kernel(shape.Channels, channelSums, shape, weightGrad, biasGrad);
    }
}
