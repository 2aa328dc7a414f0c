using Msp.Core.IO;
using Msp.Core.Tensors;

namespace Msp.Core.Data;

/// <summary>
/// The background images of MNIST-bg (the reference's seq_mnist.py with backgrnd=True): sequence i of digit i is
/// pasted over background i (modulo the number of backgrounds), the same in every frame, wherever the coloured digit
/// is dark. The reference loads a tensor of natural images the repository does not ship; Msp draws procedural
/// textures (sums of random coloured gratings, a different set per split), or reads 32×32 RGB images from files in
/// the CIFAR-10 binary format (records of one label byte and 3,072 pixel bytes, R, G and B planes) when given some.
/// </summary>
public sealed class MnistBackgrounds
{
    public const int Side = 32, Pixels = Side * Side, ImageSize = 3 * Pixels;

    /// <summary>Procedural textures per split: as many as there are digits, since each digit gets its own.</summary>
    private const int ProceduralCount = 1 << 20;

    private const int CifarRecordSize = 1 + ImageSize;

    /// <summary>The reference's mask: the background shows where the digit's R + G + B is below this.</summary>
    public const float DarkThreshold = 0.3f;

    private readonly byte[]? _cifar;
    private readonly ulong _textureSeed;

    private MnistBackgrounds(byte[]? cifar, ulong textureSeed)
    {
        _cifar = cifar;
        _textureSeed = textureSeed;
        Count = cifar is null ? ProceduralCount : cifar.Length / CifarRecordSize;
    }

    public int Count { get; }

    /// <summary>Procedural textures, or images from <paramref name="cifarPath"/>: a CIFAR-10 binary folder
    /// (data_batch_*.bin train, test_batch.bin test) or one such file, used for both splits.</summary>
    public static (MnistBackgrounds Train, MnistBackgrounds Test) Create(string? cifarPath)
    {
        if (cifarPath is null)
            return (new MnistBackgrounds(null, 0xB6_0000UL), new MnistBackgrounds(null, 0xB6_1000UL));
        if (File.Exists(cifarPath))
        {
            var images = ReadCifar([cifarPath]);
            return (images, images);
        }
        if (!Directory.Exists(cifarPath))
            throw new FileFormatException($"{cifarPath}: no such file or folder of background images; give a CIFAR-10 binary file or the cifar-10-batches-bin folder, or leave backgrnd_images out for procedural textures.");
        var train = Directory.GetFiles(cifarPath, "data_batch_*.bin").Order().ToArray();
        string test = Path.Combine(cifarPath, "test_batch.bin");
        if (train.Length == 0 || !File.Exists(test))
            throw new FileFormatException($"{cifarPath}: expected CIFAR-10 binary files data_batch_1.bin ... and test_batch.bin in this folder.");
        return (ReadCifar(train), ReadCifar([test]));
    }

    /// <summary>Background <paramref name="index"/> (modulo <see cref="Count"/>) as [3, 32, 32] in [0, 1].</summary>
    public void Fill(int index, Span<float> image)
    {
        if (image.Length != ImageSize)
            throw new ArgumentException($"A background is [3, {Side}, {Side}] = {ImageSize} floats, got {image.Length}.");
        index %= Count;
        if (_cifar is not null)
        {
            var pixels = _cifar.AsSpan(index * CifarRecordSize + 1, ImageSize);
            for (int i = 0; i < ImageSize; i++)
                image[i] = pixels[i] / 255f;
            return;
        }
        Texture(new Rng(_textureSeed ^ ((ulong)index * 0x9E3779B97F4A7C15UL)), image);
    }

    /// <summary>The reference's compositing of one frame [3, 32, 32]: frame + background where the frame's R + G + B
    /// is below <see cref="DarkThreshold"/>, clipped at 1.</summary>
    public static void Composite(ReadOnlySpan<float> background, Span<float> frame)
    {
        for (int i = 0; i < Pixels; i++)
        {
            if (frame[i] + frame[Pixels + i] + frame[2 * Pixels + i] >= DarkThreshold)
                continue;
            for (int c = 0; c < 3; c++)
                frame[c * Pixels + i] = MathF.Min(frame[c * Pixels + i] + background[c * Pixels + i], 1f);
        }
    }

    /// <summary>Per channel 0.5 plus three gratings of random direction, frequency (1–6 cycles per image), phase and
    /// amplitude (together at most 0.5): smooth coloured structure at several scales, in [0, 1].</summary>
    private static void Texture(Rng rng, Span<float> image)
    {
        const int Gratings = 3;
        Span<double> frequencyX = stackalloc double[Gratings], frequencyY = stackalloc double[Gratings];
        Span<double> phase = stackalloc double[Gratings], amplitude = stackalloc double[Gratings];
        for (int c = 0; c < 3; c++)
        {
            for (int k = 0; k < Gratings; k++)
            {
                double angle = rng.Uniform(0, Math.PI), cycles = rng.Uniform(1, 6);
                frequencyX[k] = 2 * Math.PI * cycles * Math.Cos(angle) / Side;
                frequencyY[k] = 2 * Math.PI * cycles * Math.Sin(angle) / Side;
                phase[k] = rng.Uniform(0, 2 * Math.PI);
                amplitude[k] = rng.Uniform(0, 0.5 / Gratings);
            }
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    double value = 0.5;
                    for (int k = 0; k < Gratings; k++)
                        value += amplitude[k] * Math.Sin(frequencyX[k] * x + frequencyY[k] * y + phase[k]);
                    image[c * Pixels + y * Side + x] = (float)value;
                }
        }
    }

    private static MnistBackgrounds ReadCifar(string[] paths)
    {
        var records = new List<byte[]>();
        foreach (string path in paths)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileFormatException($"{path}: cannot be read ({e.Message}).", e);
            }
            if (bytes.Length == 0 || bytes.Length % CifarRecordSize != 0)
                throw new FileFormatException($"{path}: {bytes.Length} bytes is not a whole number of CIFAR-10 records ({CifarRecordSize} bytes: a label, then 32×32 R, G and B planes); the file is truncated or not in the CIFAR-10 binary format.");
            records.Add(bytes);
        }
        return new MnistBackgrounds(records.SelectMany(r => r).ToArray(), 0);
    }
}
