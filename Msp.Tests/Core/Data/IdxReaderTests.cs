using System.Buffers.Binary;
using System.IO.Compression;
using Msp.Core.Data;
using Msp.Core.IO;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Data;

public sealed class IdxReaderTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("msp-idx-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>An IDX file: big-endian magic and sizes, then the bytes.</summary>
    internal static byte[] Idx(int magic, int[] sizes, byte[] data)
    {
        var bytes = new byte[4 + 4 * sizes.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < sizes.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), sizes[d]);
        data.CopyTo(bytes, 4 + 4 * sizes.Length);
        return bytes;
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] Ramp(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(i * 7))];

    private string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Message(TestDelegate read) => Assert.Throws<FileFormatException>(read)!.Message;

    [TestCase(false)]
    [TestCase(true)]
    public void Reads_raw_and_gzip_images(bool compressed)
    {
        var raw = Idx(IdxReader.ImagesMagic, [3, 4, 5], Ramp(60));
        var images = IdxReader.ReadImages(WriteFile("images", compressed ? Gzip(raw) : raw));
        Assert.That((images.Count, images.Rows, images.Columns), Is.EqualTo((3, 4, 5)));
        Assert.That(images.Pixels, Is.EqualTo(Ramp(60)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Reads_raw_and_gzip_labels(bool compressed)
    {
        var raw = Idx(IdxReader.LabelsMagic, [6], [0, 1, 2, 9, 4, 4]);
        Assert.That(IdxReader.ReadLabels(WriteFile("labels", compressed ? Gzip(raw) : raw)), Is.EqualTo(new byte[] { 0, 1, 2, 9, 4, 4 }));
    }

    [Test]
    public void Reads_an_empty_set()
    {
        var images = IdxReader.ReadImages(WriteFile("images", Idx(IdxReader.ImagesMagic, [0, 28, 28], [])));
        Assert.That(images.Count, Is.Zero);
    }

    [Test]
    public void A_label_file_read_as_images_names_both_magics()
    {
        string path = WriteFile("labels", Idx(IdxReader.LabelsMagic, [2], [1, 2]));
        string message = Message(() => IdxReader.ReadImages(path));
        Assert.That(message, Does.Contain(path).And.Contain("0x00000803").And.Contain("0x00000801").And.Contain("label file"));
    }

    [Test]
    public void A_file_that_is_not_idx_is_rejected()
    {
        string path = WriteFile("page.html", "<html>not found</html>"u8.ToArray());
        Assert.That(Message(() => IdxReader.ReadLabels(path)), Does.Contain("0x00000801").And.Contain("0x3c68746d"));
    }

    [TestCase(0, "only 0 byte")]
    [TestCase(3, "only 3 byte")]
    [TestCase(9, "truncated header")]
    [TestCase(16 + 59, "holds only 59")]
    public void Truncated_images_are_detected(int keep, string expected)
    {
        var whole = Idx(IdxReader.ImagesMagic, [3, 4, 5], Ramp(60));
        string raw = WriteFile("raw", whole[..keep]);
        string compressed = WriteFile("compressed", Gzip(whole[..keep]));
        Assert.That(Message(() => IdxReader.ReadImages(raw)), Does.Contain(raw).And.Contain(expected));
        Assert.That(Message(() => IdxReader.ReadImages(compressed)), Does.Contain(compressed).And.Contain(expected));
    }

    [Test]
    public void A_cut_off_gzip_stream_is_an_error_not_a_hang()
    {
        var compressed = Gzip(Idx(IdxReader.ImagesMagic, [30, 28, 28], Ramp(30 * 28 * 28)));
        string path = WriteFile("cut.gz", compressed[..(compressed.Length / 2)]);
        Assert.That(Message(() => IdxReader.ReadImages(path)), Does.Contain(path));
    }

    [Test]
    public void Corrupt_gzip_data_is_reported_as_such()
    {
        var compressed = Gzip(Idx(IdxReader.LabelsMagic, [200], Ramp(200)));
        for (int i = 10; i < compressed.Length - 8; i++)
            compressed[i] = 0xff;
        string path = WriteFile("corrupt.gz", compressed);
        Assert.That(Message(() => IdxReader.ReadLabels(path)), Does.Contain(path).And.Contain("gzip"));
    }

    [Test]
    public void Trailing_bytes_are_rejected()
    {
        string path = WriteFile("long", Idx(IdxReader.LabelsMagic, [2], [1, 2, 3]));
        Assert.That(Message(() => IdxReader.ReadLabels(path)), Does.Contain("longer than its header declares"));
    }

    [TestCase(-1, 28, 28)]
    [TestCase(5, 0, 28)]
    [TestCase(5, 28, -3)]
    public void Impossible_sizes_are_rejected(int count, int rows, int columns)
    {
        string path = WriteFile("sizes", Idx(IdxReader.ImagesMagic, [count, rows, columns], []));
        Assert.That(Message(() => IdxReader.ReadImages(path)), Does.Contain("dimension"));
    }

    [Test]
    public void Sizes_beyond_an_array_are_rejected_before_allocating()
    {
        string path = WriteFile("huge", Idx(IdxReader.ImagesMagic, [int.MaxValue, 28, 28], []));
        Assert.That(Message(() => IdxReader.ReadImages(path)), Does.Contain("more than one array can hold"));
    }

    [Test]
    public void A_missing_file_is_a_format_error_naming_it()
    {
        string path = Path.Combine(_directory, "absent");
        Assert.That(Message(() => IdxReader.ReadLabels(path)), Does.Contain(path));
    }

    [Test]
    public void Fuzz_every_truncated_or_damaged_idx_file_is_rejected_naming_it()
    {
        const string Name = "fuzz-images-idx3-ubyte";
        byte[] images = Idx(IdxReader.ImagesMagic, [3, 4, 5], Ramp(60)), labels = Idx(IdxReader.LabelsMagic, [3], [4, 1, 9]);
        byte[] gzipImages = Gzip(images);
        // The gzip header's flags, time stamp, extra flags and OS (bytes 3–9) are outside its CRC: changing them is harmless.
        var gzipChecked = Enumerable.Range(0, gzipImages.Length).Where(i => i < 3 || i > 9);
        var imageVariants = FileDamage.Truncations(images)
            .Concat(FileDamage.ChangedBytes(images, Enumerable.Range(0, 16), b => (byte)(b ^ 0xff), "inverted"))
            .Concat(FileDamage.ChangedBytes(images, Enumerable.Range(0, 16), b => (byte)(b + 1), "plus one"))
            .Concat(FileDamage.Appended(images, 3))
            .Concat(FileDamage.Truncations(gzipImages).Select(v => ("gzip " + v.Variant, v.Bytes)))
            .Concat(FileDamage.ChangedBytes(gzipImages, gzipChecked, b => (byte)(b ^ 0x10), "of the gzip file flipped"))
            .ToList();
        var labelVariants = FileDamage.Truncations(labels)
            .Concat(FileDamage.ChangedBytes(labels, Enumerable.Range(0, 8), b => (byte)(b ^ 0xff), "inverted"))
            .Concat(FileDamage.Appended(labels, 2))
            .ToList();
        var outcomes = FileDamage.ReadAll(imageVariants, bytes => IdxReader.ReadImages(new MemoryStream(bytes), Name))
            .Concat(FileDamage.ReadAll(labelVariants, bytes => IdxReader.ReadLabels(new MemoryStream(bytes), Name))).ToList();
        TestContext.Out.WriteLine($"{outcomes.Count} damaged IDX files");
        Assert.That(outcomes, Has.Count.GreaterThanOrEqualTo(200));
        FileDamage.AssertEachRejectedNaming(outcomes, Name);
    }
}
