using Msp.Core.Autodiff;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Evaluation;

/// <summary>
/// Per-sequence, per-horizon prediction errors: the sum of squared pixel errors of each predicted frame, the
/// quantity the reference's notebooks plot (extrp.ipynb, equivariance_error.ipynb). Evaluation only: no tape.
/// </summary>
public static class SequenceErrors
{
    /// <summary>Σ over (c, h, w) of (prediction − target)² for each sequence and frame: [n, t, ...] → [n, t] on the host.</summary>
    public static double[,] PerFrame(Tensor prediction, Tensor target)
    {
        if (prediction.Shape != target.Shape || prediction.Shape.Rank < 3)
            throw new ArgumentException($"Per-frame errors need equal shapes [n, t, ...], got {prediction.Shape} and {target.Shape}.");
        return PerFrame(prediction.ToArray(), target.ToArray(), prediction.Shape[0], prediction.Shape[1]);
    }

    /// <summary>The same on host arrays laid out [n, t, frameSize].</summary>
    public static double[,] PerFrame(float[] prediction, float[] target, int sequences, int frames)
    {
        int frameSize = prediction.Length / (sequences * frames);
        var errors = new double[sequences, frames];
        for (int s = 0; s < sequences; s++)
            for (int f = 0; f < frames; f++)
            {
                double sum = 0;
                int offset = (s * frames + f) * frameSize;
                for (int i = 0; i < frameSize; i++)
                {
                    double d = prediction[offset + i] - (double)target[offset + i];
                    sum += d * d;
                }
                errors[s, f] = sum;
            }
        return errors;
    }

    /// <summary>
    /// The reference's loss_equiv on xs [n, T, c, s, s]: predict frames T_cond+1..T from the first T_cond frames with
    /// each sequence's own M* (Plain) and with the M* of <see cref="SwapAcrossBatch"/> (Swapped). When the batch shares
    /// one transition, an equivariant model predicts as well with either. Returns [n, T − T_cond] errors each, and the
    /// predicted frames [n, T − T_cond, c, s, s] with the own and with the swapped M*. For Neural M* the swapped matrix
    /// is its predicted M, for second-order MSP both M* and the per-step transitions; a model without a transition
    /// matrix (the neural transition) is refused, since there is nothing to swap.
    /// </summary>
    public static (double[,] Plain, double[,] Swapped, float[] Prediction, float[] SwappedPrediction) Equivariance(SeqAe model, Tensor xs, int conditioningFrames)
    {
        int rolls = xs.Shape[1] - conditioningFrames;
        if (rolls < 1)
            throw new ArgumentException($"Equivariance errors need frames after the {conditioningFrames} conditioning ones, got {xs.Shape}.");
        using var scope = new TensorScope();
        using var noGrad = Tape.NoGrad();
        var conditioning = Layout.Slice(xs, 1, 0, conditioningFrames);
        var target = Layout.Slice(xs, 1, conditioningFrames, rolls);
        var (frames, forecast) = model.Predict(conditioning, rolls);
        var swappedForecast = forecast.WithTransitions(SwapAcrossBatch)
            ?? throw new ArgumentException(NoTransitionMessage);
        var swappedFrames = model.Predict(swappedForecast, rolls);
        return (PerFrame(frames, target), PerFrame(swappedFrames, target), frames.ToArray(), swappedFrames.ToArray());
    }

    /// <summary>Why the equivariance error and the swapped-M* images do not exist for a model without M.</summary>
    public const string NoTransitionMessage =
        "This model (the neural transition) has no transition matrix M: its dynamics are a network, so there is no M to " +
        "swap between sequences and no equivariance error to measure.";

    /// <summary>
    /// M* [n, a, a] re-paired as loss_equiv does (M[arange(-1, n-1)]): sequence i gets the M* of sequence i − 1, and
    /// sequence 0 that of sequence n − 1. With one sequence there is nothing to swap with, so it keeps its own.
    /// </summary>
    public static Tensor SwapAcrossBatch(Tensor mStar)
    {
        int n = mStar.Shape[0];
        return n == 1 ? mStar : Layout.Concat([Layout.Slice(mStar, 0, n - 1, 1), Layout.Slice(mStar, 0, 0, n - 1)], axis: 0);
    }

    /// <summary>Which sequence's M* sequence <paramref name="sequence"/> of <paramref name="count"/> gets in <see cref="SwapAcrossBatch"/>.</summary>
    public static int SwapPartner(int sequence, int count) => (sequence + count - 1) % count;
}
