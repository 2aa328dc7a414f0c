using Msp.Core.Data;
using Msp.Core.IO;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Data;

public sealed class MnistBackgroundsTests : TempFolderTests
{
    private const int Pixels = MnistBackgrounds.Pixels;

    [Test]
    public void The_background_shows_where_the_digit_is_dark_and_the_sum_is_clipped_at_1()
    {
        var frame = new float[3 * Pixels];
        var background = new float[3 * Pixels];
        Array.Fill(background, 0.7f);
        // Pixel 0 and 4 onwards are black: the background shows. Pixel 1 has R + G + B = 0.29 < 0.3: the background is
        // added, its green 0.05 + 0.99 clipped to 1. Pixel 2 has R + G + B = 0.3 and pixel 3 is bright: the digit stays.
        (frame[1], frame[Pixels + 1], frame[2 * Pixels + 1]) = (0.2f, 0.05f, 0.04f);
        (frame[2], frame[Pixels + 2], frame[2 * Pixels + 2]) = (0.1f, 0.1f, 0.1f);
        (frame[3], frame[Pixels + 3], frame[2 * Pixels + 3]) = (1f, 0.5f, 0f);
        background[Pixels + 1] = 0.99f;
        var expected = (float[])frame.Clone();
        for (int c = 0; c < 3; c++)
        {
            expected[c * Pixels] = background[c * Pixels];
            expected[c * Pixels + 1] = Math.Min(frame[c * Pixels + 1] + background[c * Pixels + 1], 1f);
            for (int i = 4; i < Pixels; i++)
                expected[c * Pixels + i] = background[c * Pixels + i];
        }
        MnistBackgrounds.Composite(background, frame);
        Assert.That(frame, Is.EqualTo(expected));
        Assert.That(frame[Pixels + 1], Is.EqualTo(1f), "0.05 + 0.99 clipped");
    }

    [Test]
    public void Procedural_textures_are_deterministic_in_0_to_1_and_differ_per_index_and_split()
    {
        var (train, test) = MnistBackgrounds.Create(null);
        var a = new float[3 * Pixels];
        var b = new float[3 * Pixels];
        train.Fill(5, a);
        MnistBackgrounds.Create(null).Train.Fill(5, b);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(a, Has.All.InRange(0f, 1f));
        train.Fill(6, b);
        Assert.That(b, Is.Not.EqualTo(a));
        test.Fill(5, b);
        Assert.That(b, Is.Not.EqualTo(a));
    }

    [Test]
    public void Cifar_records_are_read_as_red_green_and_blue_planes()
    {
        string path = Path.Combine(Folder, "data_batch_1.bin");
        var bytes = new byte[2 * (1 + 3 * Pixels)];
        for (int record = 0; record < 2; record++)
        {
            bytes[record * (1 + 3 * Pixels)] = 9;
            for (int i = 0; i < 3 * Pixels; i++)
                bytes[record * (1 + 3 * Pixels) + 1 + i] = (byte)((i + 100 * record) % 256);
        }
        File.WriteAllBytes(path, bytes);
        var (train, _) = MnistBackgrounds.Create(path);
        Assert.That(train.Count, Is.EqualTo(2));
        var image = new float[3 * Pixels];
        train.Fill(3, image);
        Assert.That(image, Is.EqualTo(Enumerable.Range(0, 3 * Pixels).Select(i => (byte)((i + 100) % 256) / 255f)), "index 3 wraps to record 1");
    }

    [Test]
    public void A_truncated_cifar_file_is_named()
    {
        string path = Path.Combine(Folder, "test_batch.bin");
        File.WriteAllBytes(path, new byte[3000]);
        Assert.That(() => MnistBackgrounds.Create(path), Throws.TypeOf<FileFormatException>().With.Message.StartsWith(path).And.Message.Contains("truncated"));
        Assert.That(() => MnistBackgrounds.Create(Folder), Throws.TypeOf<FileFormatException>().With.Message.Contains("data_batch_1.bin"));
    }

    [Test]
    public void Mnist_bg_sequences_keep_the_digit_and_fill_the_dark_pixels_with_the_background()
    {
        var config = new SequentialMnistConfig { FrameCount = 2, OnlyUseDigit4 = true };
        var (train, _) = MnistBackgrounds.Create(null);
        var plain = SequentialMnist.FromEmbedded(config, DatasetSplit.Test);
        var withBackground = SequentialMnist.FromEmbedded(config, DatasetSplit.Test, train);
        var parameters = plain.DrawBatch([3], 1, 0)[0];
        var a = new float[plain.SequenceSize];
        var b = new float[plain.SequenceSize];
        plain.Render(parameters, a);
        withBackground.Render(parameters, b);
        var background = new float[3 * Pixels];
        train.Fill(3, background);
        var expected = (float[])a.Clone();
        for (int t = 0; t < 2; t++)
            MnistBackgrounds.Composite(background, expected.AsSpan(t * 3 * Pixels, 3 * Pixels));
        Assert.That(b, Is.EqualTo(expected));
        Assert.That(b, Is.Not.EqualTo(a));
    }
}
