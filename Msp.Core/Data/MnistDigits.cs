using Msp.Core.IO;
namespace Msp.Core.Data;

/// <summary>
/// MNIST digits in memory: images [Count, 28, 28] bytes (0 = background, 255 = ink) and their labels 0–9.
/// Either the 10,000 digits embedded in this assembly (see Data/Mnist/README.md) or the standard files from a
/// directory. Immutable, so one instance can be shared by every data worker.
/// </summary>
public sealed class MnistDigits
{
    public const int Side = 28;
    public const int PixelsPerImage = Side * Side;

    private const string EmbeddedImages = "Msp.Core.Data.Mnist.mnist-10k-images-idx3-ubyte.gz";
    private const string EmbeddedLabels = "Msp.Core.Data.Mnist.mnist-10k-labels-idx1-ubyte.gz";

    private static readonly Lazy<MnistDigits> Embedded = new(ReadEmbedded);

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    private MnistDigits(byte[] pixels, byte[] labels)
    {
        _pixels = pixels;
        _labels = labels;
    }

    public int Count => _labels.Length;

    /// <summary>Image <paramref name="index"/>: [28, 28] bytes, row-major.</summary>
    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(checked(index * PixelsPerImage), PixelsPerImage);

    public int Label(int index) => _labels[index];

    /// <summary>The 10,000 digits shipped inside Msp.Core (read once, then shared).</summary>
    public static MnistDigits LoadEmbedded() => Embedded.Value;

    /// <summary>
    /// The standard MNIST files of <paramref name="split"/> in <paramref name="directory"/>, raw or gzip:
    /// <c>train-images-idx3-ubyte</c> / <c>train-labels-idx1-ubyte</c> or <c>t10k-images-idx3-ubyte</c> /
    /// <c>t10k-labels-idx1-ubyte</c>, each optionally with <c>.gz</c>, directly in the directory or in the
    /// <c>MNIST/raw</c> folder below it that torchvision creates.
    /// </summary>
    public static MnistDigits Load(string directory, DatasetSplit split)
    {
        string prefix = split == DatasetSplit.Train ? "train" : "t10k";
        string images = FindFile(directory, $"{prefix}-images-idx3-ubyte");
        string labels = FindFile(directory, $"{prefix}-labels-idx1-ubyte");
        return FromFiles(images, labels);
    }

    /// <summary>Digits from an IDX3 image file and the IDX1 label file that belongs to it.</summary>
    public static MnistDigits FromFiles(string imagesPath, string labelsPath) =>
        Create(IdxReader.ReadImages(imagesPath), imagesPath, IdxReader.ReadLabels(labelsPath), labelsPath);

    /// <summary>The digits whose label is <paramref name="label"/>, in their original order.</summary>
    public MnistDigits WithLabel(int label)
    {
        var indices = Enumerable.Range(0, Count).Where(i => _labels[i] == label).ToArray();
        var pixels = new byte[indices.Length * PixelsPerImage];
        for (int k = 0; k < indices.Length; k++)
            Image(indices[k]).CopyTo(pixels.AsSpan(k * PixelsPerImage));
        return new MnistDigits(pixels, [.. indices.Select(i => _labels[i])]);
    }

    /// <summary>Digits [start, start + count) in file order.</summary>
    public MnistDigits Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Slice [{start}, {start + count}) is outside the {Count} digits.");
        return new MnistDigits(
            _pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            _labels.AsSpan(start, count).ToArray());
    }

    private static MnistDigits ReadEmbedded()
    {
        var assembly = typeof(MnistDigits).Assembly;
        Stream Open(string name) => assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource {name} is missing from {assembly.GetName().Name}; the build lost Data/Mnist.");
        return Create(IdxReader.ReadImages(Open(EmbeddedImages), EmbeddedImages), EmbeddedImages,
            IdxReader.ReadLabels(Open(EmbeddedLabels), EmbeddedLabels), EmbeddedLabels);
    }

    private static MnistDigits Create(IdxImages images, string imagesName, byte[] labels, string labelsName)
    {
        if (images.Rows != Side || images.Columns != Side)
            throw new FileFormatException(
                $"{imagesName}: expected MNIST images of {Side}x{Side} pixels, found {images.Rows}x{images.Columns}.");
        if (images.Count != labels.Length)
            throw new FileFormatException(
                $"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Length} labels; they must belong together.");
        int badLabel = Array.FindIndex(labels, l => l > 9);
        if (badLabel >= 0)
            throw new FileFormatException($"{labelsName}: label {badLabel} is {labels[badLabel]}; expected a digit 0-9.");
        return new MnistDigits(images.Pixels, labels);
    }

    private static string FindFile(string directory, string stem)
    {
        string[] folders = [directory, Path.Combine(directory, "MNIST", "raw")];
        string[] candidates = [.. from folder in folders from suffix in new[] { "", ".gz" } select Path.Combine(folder, stem + suffix)];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"No MNIST file {stem} found. Looked for: {string.Join(", ", candidates)}. "
                + "Download the standard MNIST files there, or use the embedded digits.");
    }
}
