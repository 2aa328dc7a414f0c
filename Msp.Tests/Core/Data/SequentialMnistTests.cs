using System.IO.Compression;
using System.Text.Json;
using Msp.Core.Data;
using Msp.Core.Tensors;

namespace Msp.Tests.Core.Data;

public sealed class SequentialMnistTests
{
    private static readonly SequentialMnistConfig Msp = new() { OnlyUseDigit4 = true };

    private static readonly SequentialMnist Train = SequentialMnist.FromEmbedded(Msp, DatasetSplit.Train);

    private static float[] Render(SequentialMnist data, SequenceParameters parameters)
    {
        var sequence = new float[data.SequenceSize];
        data.Render(parameters, sequence);
        return sequence;
    }

    private static float[] Frame(float[] sequence, int t) => sequence.AsSpan(t * SequentialMnist.FrameSize, SequentialMnist.FrameSize).ToArray();

    /// <summary>
    /// Fixtures/SequentialMnistReference.*: four sequences (3 frames each) rendered by the reference's own
    /// SequentialMNIST.__getitem__ from our Rng's draws; the JSON's "provenance" says how (library versions included).
    /// They cover the MSP config, accelerations, all digits with a fast hue that wraps below 0, and a shared transition
    /// with colour switched off.
    /// </summary>
    [Test]
    public void Matches_the_reference_generator_pixel_for_pixel()
    {
        string folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "SequentialMnistReference.json")));
        float[] pixels;
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(folder, "SequentialMnistReference.f32.gz")), CompressionMode.Decompress))
        using (var bytes = new MemoryStream())
        {
            gzip.CopyTo(bytes);
            pixels = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes.GetBuffer(), 0, pixels, 0, (int)bytes.Length);
        }

        int offset = 0;
        foreach (var item in json.RootElement.GetProperty("sequences").EnumerateArray())
        {
            string name = item.GetProperty("name").GetString()!;
            var config = ConfigFromReferenceKeys(item.GetProperty("config"));
            var data = SequentialMnist.FromEmbedded(config, DatasetSplit.Train);
            var shared = config.SharedTransition ? data.DrawTransition(new Rng(item.GetProperty("shared_seed").GetUInt64())) : null;
            var parameters = data.DrawSequence(new Rng(item.GetProperty("seed").GetUInt64()), item.GetProperty("digit_index").GetInt32(), shared);

            // The draws are the same double arithmetic in the same order: equal to the last bit.
            var expected = item.GetProperty("expected_parameters");
            var transition = parameters.Transition;
            Assert.That(new[]
            {
                parameters.Angle0, parameters.Color0, parameters.Position0.X, parameters.Position0.Y,
                transition.AngleVelocity, transition.AngleAcceleration, transition.ColorVelocity, transition.ColorAcceleration,
                transition.PositionVelocity.X, transition.PositionVelocity.Y, transition.PositionAcceleration.X, transition.PositionAcceleration.Y,
            }, Is.EqualTo(new[]
            {
                Number(expected, "angle0"), Number(expected, "color0"), Number(expected, "position0", 0), Number(expected, "position0", 1),
                Number(expected, "angle_velocity"), Number(expected, "angle_acceleration"),
                Number(expected, "color_velocity"), Number(expected, "color_acceleration"),
                Number(expected, "position_velocity", 0), Number(expected, "position_velocity", 1),
                Number(expected, "position_acceleration", 0), Number(expected, "position_acceleration", 1),
            }), $"{name}: drawn parameters");

            // Measured difference: 0 (bit-identical, also on 330 further sequences). The tolerance leaves room only for
            // float rounding order, far below the 1/255 of one grey level.
            var ours = Render(data, parameters);
            Support.TensorAssert.AreClose(pixels.AsSpan(offset, ours.Length), ours, atol: 1e-6, rtol: 0, name);
            offset += ours.Length;
        }
        Assert.That(offset, Is.EqualTo(pixels.Length), "fixture pixels left over");
    }

    private static double Number(JsonElement parent, string key, int index = -1) =>
        index < 0 ? parent.GetProperty(key).GetDouble() : parent.GetProperty(key)[index].GetDouble();

    private static SequentialMnistConfig ConfigFromReferenceKeys(JsonElement keys)
    {
        Interval Range(string key, Interval fallback) =>
            keys.TryGetProperty(key, out var pair) ? new Interval(pair[0].GetDouble(), pair[1].GetDouble()) : fallback;
        var defaults = new SequentialMnistConfig();
        var actions = SequenceActions.All;
        if (keys.TryGetProperty("active_actions", out var list))
            actions = list.EnumerateArray().Aggregate(SequenceActions.None, (all, a) => all | (SequenceActions)(1 << a.GetInt32()));
        return new SequentialMnistConfig
        {
            FrameCount = keys.GetProperty("T").GetInt32(),
            MaxFrameCount = keys.GetProperty("max_T").GetInt32(),
            AngleVelocityRatio = Range("max_angle_velocity_ratio", defaults.AngleVelocityRatio),
            AngleAccelerationRatio = Range("max_angle_accl_ratio", defaults.AngleAccelerationRatio),
            ColorVelocityRatio = Range("max_color_velocity_ratio", defaults.ColorVelocityRatio),
            ColorAccelerationRatio = Range("max_color_accl_ratio", defaults.ColorAccelerationRatio),
            Position = Range("max_pos", defaults.Position),
            TranslationAcceleration = Range("max_trans_accl", defaults.TranslationAcceleration),
            ActiveActions = actions,
            OnlyUseDigit4 = keys.TryGetProperty("only_use_digit4", out var four) && four.GetBoolean(),
            SharedTransition = keys.TryGetProperty("shared_transition", out var shared) && shared.GetBoolean(),
        };
    }

    [Test]
    public void Embedded_split_is_800_and_180_fours_or_8000_and_2000_digits()
    {
        var test = SequentialMnist.FromEmbedded(Msp, DatasetSplit.Test);
        Assert.That((Train.Digits.Count, test.Digits.Count), Is.EqualTo((800, 180)));
        var fours = MnistDigits.LoadEmbedded().WithLabel(4);
        Assert.That(test.Digits.Image(0).ToArray(), Is.EqualTo(fours.Image(800).ToArray()));
        Assert.That(Enumerable.Range(0, 180).All(i => test.Digits.Label(i) == 4));

        var all = new SequentialMnistConfig();
        Assert.That(SequentialMnist.FromEmbedded(all, DatasetSplit.Train).Digits.Count, Is.EqualTo(8000));
        Assert.That(SequentialMnist.FromEmbedded(all, DatasetSplit.Test).Digits.Count, Is.EqualTo(2000));
    }

    [Test]
    public void Without_motion_every_frame_is_the_first()
    {
        var still = new SequentialMnistConfig
        {
            FrameCount = 4, AngleVelocityRatio = new(0, 0), ColorVelocityRatio = new(0, 0), Position = new(2.5, 2.5), OnlyUseDigit4 = true,
        };
        var data = SequentialMnist.FromEmbedded(still, DatasetSplit.Train);
        var sequence = Render(data, data.DrawSequence(new Rng(5), 3, null));
        Assert.That(Frame(sequence, 0).Count(v => v > 0), Is.GreaterThan(50), "the digit is visible");
        for (int t = 1; t < 4; t++)
            Assert.That(Frame(sequence, t), Is.EqualTo(Frame(sequence, 0)), $"frame {t}");
    }

    [Test]
    public void Hue_wraps_modulo_one()
    {
        var still = new SequenceTransition(0, 0, 0, 0, (0, 0), (0, 0));
        SequenceParameters WithHue(double hue) => new(7, 1.0, hue, (1, -2), still);
        var reference = Render(Train, WithHue(0.25));
        // 0.25, 1.25 and −0.75 are exact in binary, so after the reference's "% 1" all three are 0.25 exactly.
        Assert.That(Render(Train, WithHue(1.25)), Is.EqualTo(reference));
        Assert.That(Render(Train, WithHue(-0.75)), Is.EqualTo(reference));
        // A hue velocity of one full turn per frame leaves the colour unchanged.
        var fullTurn = Render(Train, WithHue(0.25) with { Transition = still with { ColorVelocity = 1 } });
        Assert.That(Frame(fullTurn, 2), Is.EqualTo(Frame(reference, 0)));
    }

    [Test]
    public void Translation_along_x_moves_the_ink_right_by_the_scaled_shift()
    {
        // γ = 0: f = 32√2, and get_RTmat scales shifts by f / (1 + f) (about 0.978).
        var moving = new SequenceTransition(0, 0, 0, 0, (3, 0), (0, 0));
        var sequence = Render(Train, new SequenceParameters(11, 0, 0.1, (0, 0), moving));
        var (x0, y0) = Centroid(Frame(sequence, 0));
        var (x2, y2) = Centroid(Frame(sequence, 2));
        double f = Math.Sqrt(2 * 32 * 32);
        // Bilinear resampling moves the intensity centroid by the true shift up to a few hundredths of a pixel.
        Assert.That(x2 - x0, Is.EqualTo(6 * f / (1 + f)).Within(0.05));
        Assert.That(y2 - y0, Is.EqualTo(0).Within(0.05));
    }

    private static (double X, double Y) Centroid(float[] frame)
    {
        double sum = 0, x = 0, y = 0;
        for (int i = 0; i < 32 * 32; i++)
        {
            double v = frame[i];   // red channel
            sum += v;
            x += v * (i % 32);
            y += v * (i / 32);
        }
        return (x / sum, y / sum);
    }

    [Test]
    public void Same_seed_and_step_give_the_same_batch_and_others_differ()
    {
        int[] digits = [0, 5, 5, 799];
        float[] Batch(ulong seed, long step)
        {
            var batch = new float[digits.Length * Train.SequenceSize];
            Train.FillBatch(digits, seed, step, batch);
            return batch;
        }
        var first = Batch(1, 0);
        Assert.That(Batch(1, 0), Is.EqualTo(first));
        Assert.That(Batch(2, 0), Is.Not.EqualTo(first));
        Assert.That(Batch(1, 1), Is.Not.EqualTo(first));
        // The same digit at two batch positions gets two independent sequences.
        var parameters = Train.DrawBatch(digits, 1, 0);
        Assert.That(parameters[1].Angle0, Is.Not.EqualTo(parameters[2].Angle0));
    }

    [Test]
    public void FillBatch_does_not_depend_on_the_order_sequences_are_rendered_in()
    {
        int[] digits = [.. Enumerable.Range(0, 24).Select(i => i * 31 % 800)];
        var batch = new float[digits.Length * Train.SequenceSize];
        Train.FillBatch(digits, seed: 9, step: 123, batch);

        var parameters = Train.DrawBatch(digits, 9, 123);
        var oneByOne = new float[batch.Length];
        for (int b = digits.Length - 1; b >= 0; b--)
            Train.Render(parameters[b], oneByOne.AsSpan(b * Train.SequenceSize, Train.SequenceSize));
        Assert.That(batch, Is.EqualTo(oneByOne));
    }

    [Test]
    public void A_shared_transition_is_the_same_for_the_whole_batch()
    {
        var shared = SequentialMnist.FromEmbedded(Msp with { SharedTransition = true }, DatasetSplit.Test);
        var batch = shared.DrawBatch([0, 1, 2, 3, 4], seed: 3, step: 8);
        Assert.That(batch.Select(p => p.Transition).Distinct().Count(), Is.EqualTo(1));
        Assert.That(batch.Select(p => p.Angle0).Distinct().Count(), Is.EqualTo(5), "starts still differ");
        Assert.That(batch[0].Transition.AngleVelocity, Is.Not.Zero);
        Assert.That(shared.DrawBatch([0], seed: 3, step: 9)[0].Transition, Is.Not.EqualTo(batch[0].Transition), "a new batch, a new transition");

        var independent = Train.DrawBatch([0, 1, 2, 3, 4], seed: 3, step: 8);
        Assert.That(independent.Select(p => p.Transition).Distinct().Count(), Is.EqualTo(5));
    }

    [Test]
    public void Bad_arguments_are_rejected_with_the_expected_sizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Train.DrawSequence(new Rng(1), 800, null));
        var error = Assert.Throws<ArgumentException>(() => Train.FillBatch([1, 2], 0, 0, new float[Train.SequenceSize]))!;
        Assert.That(error.Message, Does.Contain($"2 x {Train.SequenceSize}"));
        Assert.Throws<ArgumentException>(() => Train.Render(Train.DrawSequence(new Rng(1), 0, null), new float[10]));
    }
}
