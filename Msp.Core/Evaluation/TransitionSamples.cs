using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Autodiff;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Tensors;

namespace Msp.Core.Evaluation;

/// <summary>The learned transitions M* of held-out sequences, on the host in double, for analyses such as block diagonalisation.</summary>
public static class TransitionSamples
{
    /// <summary>
    /// M* [dim_a, dim_a] of <paramref name="sequences"/> sequences of <paramref name="data"/>, each fitted on all the
    /// sequence's frames (as the reference's get_M encodes the whole sequence). Items repeat when more sequences than
    /// items are asked for; each batch is drawn from (<paramref name="seed"/>, batch index), so the set is reproducible.
    /// </summary>
    public static List<Matrix<double>> Collect(SeqAe model, ISequenceDataset data, int sequences, int batchSize, ulong seed, IDevice device)
    {
        if (sequences < 1 || batchSize < 1)
            throw new ArgumentException($"Collecting transitions needs at least one sequence and a batch of at least one, got {sequences} and {batchSize}.");
        if (!model.Dynamics.HasTransitionMatrix)
            throw new ArgumentException(SequenceErrors.NoTransitionMessage);
        if (data.Frames < 2)
            throw new ArgumentException($"A transition needs sequences of at least 2 frames, got {data.Frames}.");
        int dimA = model.Config.DimA, sequenceSize = data.Frames * data.Channels * data.Height * data.Width;
        var transitions = new List<Matrix<double>>(sequences);
        for (int start = 0; start < sequences; start += batchSize)
        {
            int count = Math.Min(batchSize, sequences - start);
            var items = Enumerable.Range(start, count).Select(i => i % data.Count).ToArray();
            var batch = new float[count * sequenceSize];
            data.FillBatch(items, seed, start / batchSize, batch);
            float[] mStar;
            using (new TensorScope())
            using (Tape.NoGrad())
            {
                var xs = Tensor.FromArray(batch, new Shape(count, data.Frames, data.Channels, data.Height, data.Width), device);
                mStar = model.Infer(xs).Transition!.ToArray();
            }
            for (int i = 0; i < count; i++)
                transitions.Add(Matrix<double>.Build.Dense(dimA, dimA, (r, c) => mStar[(i * dimA + r) * dimA + c]));
        }
        return transitions;
    }
}
