using Msp.Core.Data;
using Msp.Core.IO;

namespace Msp.Tests.Core.Data;

public sealed class MnistDigitsTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("msp-mnist-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static byte[] ImagesFile(MnistDigits digits, int count) => IdxReaderTests.Idx(IdxReader.ImagesMagic,
        [count, MnistDigits.Side, MnistDigits.Side],
        [.. Enumerable.Range(0, count).SelectMany(i => digits.Image(i).ToArray())]);

    private static byte[] LabelsFile(MnistDigits digits, int count) =>
        IdxReaderTests.Idx(IdxReader.LabelsMagic, [count], [.. Enumerable.Range(0, count).Select(i => (byte)digits.Label(i))]);

    [Test]
    public void The_embedded_set_has_10000_digits_of_which_980_are_fours()
    {
        var digits = MnistDigits.LoadEmbedded();
        Assert.That(digits.Count, Is.EqualTo(10000));
        Assert.That(digits.WithLabel(4).Count, Is.EqualTo(980));
        Assert.That(Enumerable.Range(0, 10).Select(label => digits.WithLabel(label).Count).Sum(), Is.EqualTo(10000));
        // Ink, not noise: a digit is mostly background with some saturated strokes.
        var image = digits.Image(0).ToArray();
        Assert.That(image.Count(p => p == 0), Is.GreaterThan(400));
        Assert.That(image.Max(), Is.GreaterThan((byte)200));
    }

    [Test]
    public void WithLabel_and_Slice_keep_file_order()
    {
        var digits = MnistDigits.LoadEmbedded();
        var fours = digits.WithLabel(4);
        int firstFour = Enumerable.Range(0, digits.Count).First(i => digits.Label(i) == 4);
        Assert.That(fours.Image(0).ToArray(), Is.EqualTo(digits.Image(firstFour).ToArray()));
        var slice = digits.Slice(10, 3);
        Assert.That(slice.Count, Is.EqualTo(3));
        Assert.That(slice.Image(2).ToArray(), Is.EqualTo(digits.Image(12).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => digits.Slice(9999, 2));
    }

    [TestCase(DatasetSplit.Train, "train", "", "")]
    [TestCase(DatasetSplit.Test, "t10k", ".gz", "")]
    [TestCase(DatasetSplit.Train, "train", ".gz", "MNIST/raw")]
    public void Load_finds_the_standard_files(DatasetSplit split, string prefix, string suffix, string folder)
    {
        var embedded = MnistDigits.LoadEmbedded();
        string where = Path.Combine(_directory, folder);
        Directory.CreateDirectory(where);
        byte[] Maybe(byte[] bytes) => suffix == ".gz" ? IdxReaderTests.Gzip(bytes) : bytes;
        File.WriteAllBytes(Path.Combine(where, $"{prefix}-images-idx3-ubyte{suffix}"), Maybe(ImagesFile(embedded, 7)));
        File.WriteAllBytes(Path.Combine(where, $"{prefix}-labels-idx1-ubyte{suffix}"), Maybe(LabelsFile(embedded, 7)));

        var digits = MnistDigits.Load(_directory, split);
        Assert.That(digits.Count, Is.EqualTo(7));
        Assert.That(digits.Image(6).ToArray(), Is.EqualTo(embedded.Image(6).ToArray()));
        Assert.That(digits.Label(6), Is.EqualTo(embedded.Label(6)));
    }

    [Test]
    public void Load_lists_what_it_looked_for()
    {
        var error = Assert.Throws<FileNotFoundException>(() => MnistDigits.Load(_directory, DatasetSplit.Test))!;
        Assert.That(error.Message, Does.Contain(Path.Combine(_directory, "t10k-images-idx3-ubyte"))
            .And.Contain(Path.Combine(_directory, "t10k-images-idx3-ubyte.gz"))
            .And.Contain(Path.Combine(_directory, "MNIST", "raw", "t10k-images-idx3-ubyte")));
    }

    [Test]
    public void Images_that_are_not_28_by_28_are_rejected()
    {
        string images = Path.Combine(_directory, "images"), labels = Path.Combine(_directory, "labels");
        File.WriteAllBytes(images, IdxReaderTests.Idx(IdxReader.ImagesMagic, [2, 32, 32], new byte[2 * 32 * 32]));
        File.WriteAllBytes(labels, IdxReaderTests.Idx(IdxReader.LabelsMagic, [2], [1, 2]));
        var error = Assert.Throws<FileFormatException>(() => MnistDigits.FromFiles(images, labels))!;
        Assert.That(error.Message, Does.Contain(images).And.Contain("28x28").And.Contain("32x32"));
    }

    [Test]
    public void Image_and_label_counts_must_agree()
    {
        var embedded = MnistDigits.LoadEmbedded();
        string images = Path.Combine(_directory, "images"), labels = Path.Combine(_directory, "labels");
        File.WriteAllBytes(images, ImagesFile(embedded, 5));
        File.WriteAllBytes(labels, LabelsFile(embedded, 4));
        var error = Assert.Throws<FileFormatException>(() => MnistDigits.FromFiles(images, labels))!;
        Assert.That(error.Message, Does.Contain("5 images").And.Contain("4 labels").And.Contain(labels));
    }

    [Test]
    public void Labels_above_nine_are_rejected()
    {
        var embedded = MnistDigits.LoadEmbedded();
        string images = Path.Combine(_directory, "images"), labels = Path.Combine(_directory, "labels");
        File.WriteAllBytes(images, ImagesFile(embedded, 2));
        File.WriteAllBytes(labels, IdxReaderTests.Idx(IdxReader.LabelsMagic, [2], [3, 12]));
        Assert.That(Assert.Throws<FileFormatException>(() => MnistDigits.FromFiles(images, labels))!.Message, Does.Contain("label 1 is 12"));
    }
}
