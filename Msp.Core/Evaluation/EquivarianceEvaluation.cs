using System.Globalization;
using System.Text;
using System.Text.Json;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Tensors;

namespace Msp.Core.Evaluation;

/// <summary>
/// The reference's equivariance error (equivariance_error.ipynb) per horizon: L^p with each sequence's own M* and
/// L^p_equiv with M* swapped between sequences of a batch that share one transition. Mean over batches of the
/// per-batch mean over sequences, with the spread over batches (the reference's spread is over seeds; one run has one).
/// </summary>
public sealed record EquivarianceReport(int ConditioningFrames, int Batches, int BatchSize,
    double[] PlainMean, double[] PlainStd, double[] SwappedMean, double[] SwappedStd)
{
    public int Horizon => PlainMean.Length;

    public string ToJson() => JsonSerializer.Serialize(new
    {
        conditioning_frames = ConditioningFrames,
        batches = Batches,
        batch_size = BatchSize,
        horizon = Enumerable.Range(1, Horizon).ToArray(),
        own_m_star = new { mean = PlainMean, std = PlainStd },
        swapped_m_star = new { mean = SwappedMean, std = SwappedStd },
    }, new JsonSerializerOptions { WriteIndented = true });

    public string ToCsv()
    {
        var text = new StringBuilder("horizon,own_mean,own_std,swapped_mean,swapped_std\n");
        for (int h = 0; h < Horizon; h++)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{h + 1},{PlainMean[h]:F4},{PlainStd[h]:F4},{SwappedMean[h]:F4},{SwappedStd[h]:F4}"));
        return text.ToString();
    }
}

public static class EquivarianceEvaluation
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="batches"/> batches of <paramref name="batchSize"/> sequences
    /// of <paramref name="sharedData"/> (T = conditioning frames + horizon), each batch moving by one transition drawn
    /// for it from <paramref name="seed"/> and its index, as the notebook redraws the shared transition per batch.
    /// Digits cycle through the test split in order.
    /// </summary>
    public static EquivarianceReport Run(SeqAe model, ISharedTransitionDataset sharedData, int conditioningFrames, int batches, int batchSize, ulong seed, IDevice device)
    {
        if (batches < 1 || batchSize < 2)
            throw new ArgumentException($"The equivariance error needs at least 1 batch of at least 2 sequences (to swap M* between), got {batches} of {batchSize}.");
        var results = new List<(double[,] Plain, double[,] Swapped)>(batches);
        var batch = new float[batchSize * sharedData.Frames * sharedData.Channels * sharedData.Height * sharedData.Width];
        for (int b = 0; b < batches; b++)
        {
            var items = Enumerable.Range(b * batchSize, batchSize).Select(i => i % sharedData.Count).ToArray();
            CheckSharedTransition(sharedData, items, seed, b);
            sharedData.FillBatch(items, seed, b, batch);
            using var scope = new TensorScope();
            var xs = Tensor.FromArray(batch, new Shape(batchSize, sharedData.Frames, sharedData.Channels, sharedData.Height, sharedData.Width), device);
            var (plain, swapped, _, _) = SequenceErrors.Equivariance(model, xs, conditioningFrames);
            results.Add((plain, swapped));
        }
        return Summarize(conditioningFrames, results);
    }

    /// <summary>
    /// Fails unless every sequence of the batch <paramref name="items"/> at (<paramref name="seed"/>, <paramref name="step"/>)
    /// moves exactly as the sequence whose M* it is given by the swap; otherwise L^p_equiv would measure nothing.
    /// </summary>
    public static void CheckSharedTransition(ISharedTransitionDataset data, int[] items, ulong seed, long step)
    {
        var transitions = data.DescribeTransitions(items, seed, step);
        for (int i = 0; i < transitions.Length; i++)
        {
            int partner = SequenceErrors.SwapPartner(i, transitions.Length);
            if (transitions[i] != transitions[partner])
                throw new ArgumentException(
                    $"Sequences {i} and {partner} of equivariance batch {step} move differently ({transitions[i]} vs " +
                    $"{transitions[partner]}); the equivariance error needs data made with SharedTransition = true.");
        }
    }

    /// <summary>
    /// Per batch the mean over its sequences of each horizon's error ([sequences, horizon] each), then the mean and
    /// the standard deviation (population, as np.std) of those batch means.
    /// </summary>
    public static EquivarianceReport Summarize(int conditioningFrames, IReadOnlyList<(double[,] Plain, double[,] Swapped)> batches)
    {
        if (batches.Count == 0)
            throw new ArgumentException("Summarize needs at least one batch of errors.");
        int batchSize = batches[0].Plain.GetLength(0), horizon = batches[0].Plain.GetLength(1);
        var (plainMean, plainStd) = MeanAndStd(batches.Select(b => SequenceMean(b.Plain)).ToList(), horizon);
        var (swappedMean, swappedStd) = MeanAndStd(batches.Select(b => SequenceMean(b.Swapped)).ToList(), horizon);
        return new EquivarianceReport(conditioningFrames, batches.Count, batchSize, plainMean, plainStd, swappedMean, swappedStd);
    }

    private static double[] SequenceMean(double[,] errors)
    {
        int sequences = errors.GetLength(0), horizon = errors.GetLength(1);
        var mean = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            for (int s = 0; s < sequences; s++)
                mean[h] += errors[s, h];
            mean[h] /= sequences;
        }
        return mean;
    }

    private static (double[] Mean, double[] Std) MeanAndStd(List<double[]> values, int horizon)
    {
        var mean = new double[horizon];
        var std = new double[horizon];
        for (int h = 0; h < horizon; h++)
        {
            mean[h] = values.Average(v => v[h]);
            std[h] = Math.Sqrt(values.Average(v => (v[h] - mean[h]) * (v[h] - mean[h])));
        }
        return (mean, std);
    }
}
