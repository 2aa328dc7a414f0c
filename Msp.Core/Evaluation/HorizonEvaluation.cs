using System.Globalization;
using System.Text;
using System.Text.Json;
using Msp.Core.Autodiff;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Evaluation;

/// <summary>
/// Held-out prediction error per horizon (mean over sequences of the per-frame sum of squared errors), for the model
/// and for two baselines a reader needs to judge it: repeating the last conditioning frame, and predicting black.
/// </summary>
public sealed record HorizonReport(int ConditioningFrames, int Sequences, double[] Model, double[] RepeatLast, double[] Black)
{
    public int Horizon => Model.Length;

    public string ToJson() => JsonSerializer.Serialize(new
    {
        conditioning_frames = ConditioningFrames,
        sequences = Sequences,
        horizon = Enumerable.Range(1, Horizon).ToArray(),
        model = Model,
        repeat_last = RepeatLast,
        black = Black,
    }, new JsonSerializerOptions { WriteIndented = true });

    public string ToCsv()
    {
        var text = new StringBuilder("horizon,model,repeat_last,black\n");
        for (int h = 0; h < Horizon; h++)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{h + 1},{Model[h]:F4},{RepeatLast[h]:F4},{Black[h]:F4}"));
        return text.ToString();
    }
}

public static class HorizonEvaluation
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on one sequence per item of <paramref name="testData"/> (whose T is
    /// conditioning frames + horizon), or of its first <paramref name="sequences"/> items, each drawn with its own
    /// generator from <paramref name="seed"/>, in batches.
    /// </summary>
    public static HorizonReport Run(SeqAe model, ISequenceDataset testData, int conditioningFrames, int batchSize, ulong seed, IDevice device,
        int? sequences = null)
    {
        if (sequences is int requested && (requested < 1 || requested > testData.Count))
            throw new ArgumentException($"Cannot evaluate {requested} sequences: the held-out data has {testData.Count} items.");
        int horizon = testData.Frames - conditioningFrames;
        if (horizon < 1)
            throw new ArgumentException($"Evaluation sequences of {testData.Frames} frames leave no horizon after {conditioningFrames} conditioning frames.");
        int frameSize = testData.Channels * testData.Height * testData.Width, sequenceSize = testData.Frames * frameSize;
        var sums = (Model: new double[horizon], RepeatLast: new double[horizon], Black: new double[horizon]);
        int total = sequences ?? testData.Count;
        for (int start = 0; start < total; start += batchSize)
        {
            int count = Math.Min(batchSize, total - start);
            var batch = new float[count * sequenceSize];
            testData.FillBatch(Enumerable.Range(start, count).ToArray(), seed, start / batchSize, batch);
            float[] prediction;
            using (new TensorScope())
            using (Tape.NoGrad())
            {
                var xs = Tensor.FromArray(batch, new Shape(count, testData.Frames, testData.Channels, testData.Height, testData.Width), device);
                prediction = model.Predict(Layout.Slice(xs, 1, 0, conditioningFrames), horizon).Frames.ToArray();
            }
            for (int i = 0; i < count; i++)
                for (int h = 0; h < horizon; h++)
                {
                    var target = batch.AsSpan(i * sequenceSize + (conditioningFrames + h) * frameSize, frameSize);
                    var last = batch.AsSpan(i * sequenceSize + (conditioningFrames - 1) * frameSize, frameSize);
                    var predicted = prediction.AsSpan((i * horizon + h) * frameSize, frameSize);
                    sums.Model[h] += SquaredDistance(predicted, target);
                    sums.RepeatLast[h] += SquaredDistance(last, target);
                    sums.Black[h] += SquaredDistance([], target);
                }
        }
        return new HorizonReport(conditioningFrames, total,
            sums.Model.Select(s => s / total).ToArray(), sums.RepeatLast.Select(s => s / total).ToArray(), sums.Black.Select(s => s / total).ToArray());
    }

    /// <summary>Σ (a − b)²; an empty <paramref name="a"/> stands for a black frame.</summary>
    private static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < b.Length; i++)
        {
            double d = (a.IsEmpty ? 0f : a[i]) - (double)b[i];
            sum += d * d;
        }
        return sum;
    }
}
