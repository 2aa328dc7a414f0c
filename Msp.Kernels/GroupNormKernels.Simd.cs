using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Msp.Kernels;

/// <summary>
/// Group normalisation, optionally fused with the ReLU that always follows it in the reference ResNet: the managed
/// SIMD half. One (batch, group) row per step, rows spread over the cores; every sum runs inside one row on one
/// thread, so results do not depend on the split. Shapes: x, y [Batch, Channels, Spatial]; weight, bias [Channels];
/// mean, rstd [Batch, Groups]; channelSums [2, Batch, Channels] (Σ dy·x̂, then Σ dy, per batch and channel).
/// </summary>
public static unsafe partial class GroupNormKernels
{
    // Rows are a few hundred to a few thousand floats; a task should read at least this many to be worth starting.
    private const int MinFloatsPerTask = 1 << 15;

    /// <summary>Per row: mean, rstd = 1/√(biased variance + epsilon) (two passes); then
    /// y = max((x − mean)·rstd·γ[c] + β[c], floor). floor is −∞ for plain group norm and 0 for the fused ReLU.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, GroupNormShape shape,
        float epsilon, float floor, Span<float> y, Span<float> mean, Span<float> rstd)
    {
        Debug.Assert(x.Length == shape.Size && y.Length == shape.Size && mean.Length == shape.Rows && rstd.Length == shape.Rows);
        Debug.Assert(weight.Length == shape.Channels && bias.Length == shape.Channels);
        fixed (float* xp = x, wp = weight, bp = bias, yp = y, mp = mean, rp = rstd)
        {
            nint xa = (nint)xp, wa = (nint)wp, ba = (nint)bp, ya = (nint)yp, ma = (nint)mp, ra = (nint)rp;
            CpuParallel.For(shape.Rows, RowsPerTask(shape), (start, end) =>
            {
                for (int row = start; row < end; row++)
                    ForwardRow((float*)xa, (float*)wa, (float*)ba, shape, row, epsilon, floor, (float*)ya, (float*)ma, (float*)ra);
            });
        }
    }

    private static void ForwardRow(float* x, float* weight, float* bias, GroupNormShape shape, int row, float epsilon, float floor,
        float* y, float* mean, float* rstd)
    {
        int length = shape.RowLength, spatial = shape.Spatial;
        float* xRow = x + (long)row * length, yRow = y + (long)row * length;
        float m = SimdSums.Sum(xRow, length) / length;
        float r = 1f / MathF.Sqrt(SimdSums.SumOfSquaredDeviations(xRow, length, m) / length + epsilon);
        mean[row] = m;
        rstd[row] = r;
        int firstChannel = row % shape.Groups * shape.ChannelsPerGroup;
        for (int k = 0; k < shape.ChannelsPerGroup; k++)
        {
            int c = firstChannel + k;
            float* xs = xRow + k * spatial, ys = yRow + k * spatial;
            Vector256<float> vm = Vector256.Create(m), va = Vector256.Create(r * weight[c]), vb = Vector256.Create(bias[c]);
            Vector256<float> vf = Vector256.Create(floor);
            int i = 0;
            for (; i <= spatial - 8; i += 8)
                Vector256.Store(Vector256.Max((Vector256.Load(xs + i) - vm) * va + vb, vf), ys + i);
            for (; i < spatial; i++)
                ys[i] = MathF.Max((xs[i] - m) * (r * weight[c]) + bias[c], floor);
        }
    }

    /// <summary>
    /// The input gradient of every row and the per-(batch, channel) sums the parameter gradients need. With
    /// dŷ = dy·γ masked where the forward clamped (pre-clamp value ≤ floor, recomputed from x exactly as the forward
    /// did): xGrad += rstd·(dŷ − mean(dŷ) − x̂·mean(dŷ·x̂)), means over the row. channelSums is overwritten; an
    /// empty xGrad is skipped (x needs no gradient).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> yGrad, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, GroupNormShape shape, float floor, Span<float> xGrad, Span<float> channelSums)
    {
        Debug.Assert(x.Length == shape.Size && yGrad.Length == shape.Size && (xGrad.IsEmpty || xGrad.Length == shape.Size));
        Debug.Assert(channelSums.Length == 2 * shape.Batch * shape.Channels && mean.Length == shape.Rows && rstd.Length == shape.Rows);
        fixed (float* xp = x, gp = yGrad, wp = weight, bp = bias, mp = mean, rp = rstd, dp = xGrad, sp = channelSums)
        {
            nint xa = (nint)xp, ga = (nint)gp, wa = (nint)wp, ba = (nint)bp, ma = (nint)mp, ra = (nint)rp, da = (nint)dp, sa = (nint)sp;
            CpuParallel.For(shape.Rows, RowsPerTask(shape), (start, end) =>
            {
                for (int row = start; row < end; row++)
                    BackwardRow((float*)xa, (float*)ga, (float*)wa, (float*)ba, ((float*)ma)[row], ((float*)ra)[row], shape, row, floor,
                        (float*)da, (float*)sa);
            });
        }
    }

    private static void BackwardRow(float* x, float* yGrad, float* weight, float* bias, float m, float r, GroupNormShape shape, int row,
        float floor, float* xGrad, float* channelSums)
    {
        int length = shape.RowLength, spatial = shape.Spatial;
        long rowStart = (long)row * length;
        int batch = row / shape.Groups, firstChannel = row % shape.Groups * shape.ChannelsPerGroup;
        float groupDy = 0f, groupDyXhat = 0f;
        for (int k = 0; k < shape.ChannelsPerGroup; k++)
        {
            int c = firstChannel + k;
            long offset = rowStart + k * spatial;
            var (sumDy, sumDyXhat) = ChannelSums(x + offset, yGrad + offset, spatial, m, r, weight[c], bias[c], floor);
            channelSums[batch * shape.Channels + c] = sumDyXhat;
            channelSums[(shape.Batch + batch) * shape.Channels + c] = sumDy;
            groupDy += weight[c] * sumDy;
            groupDyXhat += weight[c] * sumDyXhat;
        }
        if (xGrad == null)
            return;
        float meanDy = groupDy / length, meanDyXhat = groupDyXhat / length;
        for (int k = 0; k < shape.ChannelsPerGroup; k++)
        {
            int c = firstChannel + k;
            long offset = rowStart + k * spatial;
            AddInputGrad(x + offset, yGrad + offset, spatial, m, r, weight[c], bias[c], floor, meanDy, meanDyXhat, xGrad + offset);
        }
    }

    // Σ dy and Σ dy·x̂ over one channel of one row, dy masked where the forward clamped.
    private static (float SumDy, float SumDyXhat) ChannelSums(float* x, float* yGrad, int length, float m, float r, float gamma,
        float beta, float floor)
    {
        Vector256<float> vm = Vector256.Create(m), vr = Vector256.Create(r), va = Vector256.Create(r * gamma);
        Vector256<float> vb = Vector256.Create(beta), vf = Vector256.Create(floor);
        Vector256<float> sumDy = default, sumDyXhat = default;
        int i = 0;
        for (; i <= length - 8; i += 8)
        {
            var centered = Vector256.Load(x + i) - vm;
            var dy = Vector256.BitwiseAnd(Vector256.GreaterThan(centered * va + vb, vf), Vector256.Load(yGrad + i));
            sumDy += dy;
            sumDyXhat += dy * (centered * vr);
        }
        float sDy = Vector256.Sum(sumDy), sDyXhat = Vector256.Sum(sumDyXhat);
        for (; i < length; i++)
        {
            float centered = x[i] - m;
            float dy = centered * (r * gamma) + beta > floor ? yGrad[i] : 0f;
            sDy += dy;
            sDyXhat += dy * (centered * r);
        }
        return (sDy, sDyXhat);
    }

    private static void AddInputGrad(float* x, float* yGrad, int length, float m, float r, float gamma, float beta, float floor,
        float meanDy, float meanDyXhat, float* xGrad)
    {
        Vector256<float> vm = Vector256.Create(m), vr = Vector256.Create(r), va = Vector256.Create(r * gamma);
        Vector256<float> vb = Vector256.Create(beta), vf = Vector256.Create(floor), vg = Vector256.Create(gamma);
        Vector256<float> vMeanDy = Vector256.Create(meanDy), vMeanDyXhat = Vector256.Create(meanDyXhat);
        int i = 0;
        for (; i <= length - 8; i += 8)
        {
            var centered = Vector256.Load(x + i) - vm;
            var dy = Vector256.BitwiseAnd(Vector256.GreaterThan(centered * va + vb, vf), Vector256.Load(yGrad + i));
            var dx = vr * (dy * vg - vMeanDy - centered * vr * vMeanDyXhat);
            Vector256.Store(Vector256.Load(xGrad + i) + dx, xGrad + i);
        }
        for (; i < length; i++)
        {
            float centered = x[i] - m;
            float dy = centered * (r * gamma) + beta > floor ? yGrad[i] : 0f;
            xGrad[i] += r * (dy * gamma - meanDy - centered * r * meanDyXhat);
        }
    }

    /// <summary>weightGrad[c] += Σ_batch channelSums[0, batch, c] (Σ dy·x̂); biasGrad[c] += Σ_batch channelSums[1, batch, c]
    /// (Σ dy). Summed over the batch in order, so the result is the same on every run. An empty gradient is skipped.</summary>
    public static void BackwardParameters(ReadOnlySpan<float> channelSums, GroupNormShape shape, Span<float> weightGrad, Span<float> biasGrad)
    {
        int channels = shape.Channels;
        for (int c = 0; c < channels; c++)
        {
            float dyXhat = 0f, dy = 0f;
            for (int batch = 0; batch < shape.Batch; batch++)
            {
                dyXhat += channelSums[batch * channels + c];
                dy += channelSums[(shape.Batch + batch) * channels + c];
            }
            if (!weightGrad.IsEmpty)
                weightGrad[c] += dyXhat;
            if (!biasGrad.IsEmpty)
                biasGrad[c] += dy;
        }
    }

    private static int RowsPerTask(GroupNormShape shape) => Math.Max(1, MinFloatsPerTask / Math.Max(1, shape.RowLength));
}
