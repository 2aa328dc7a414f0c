using System.Buffers.Binary;
using System.IO.Compression;
using Msp.Core.Data;
using Msp.Core.IO;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Data;

/// <summary>
/// SmallNORB splits written in NYU's binary matrix format (little-endian magic, rank, dimensions padded to three, data)
/// with all 24,300 rows in a shuffled order and 2×2 images, and copies broken in the ways a download breaks.
/// </summary>
public sealed class SmallNorbFilesTests : TempFolderTests
{
    private const int Side = 2, Rows = 24300;

    /// <summary>The test split's instance numbers, as NYU's testing files list them.</summary>
    private static readonly int[] TestInstances = [0, 1, 2, 3, 5];

    private static byte[] Matrix(int magic, int[] dims, ReadOnlySpan<byte> data)
    {
        int dimCount = Math.Max(3, dims.Length);
        var bytes = new byte[8 + 4 * dimCount + data.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), dims.Length);
        for (int d = 0; d < dimCount; d++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8 + 4 * d), d < dims.Length ? dims[d] : 1);
        data.CopyTo(bytes.AsSpan(8 + 4 * dimCount));
        return bytes;
    }

    private static byte[] Ints(IEnumerable<int> values)
    {
        var list = values.ToArray();
        var bytes = new byte[4 * list.Length];
        for (int i = 0; i < list.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), list[i]);
        return bytes;
    }

    /// <summary>Row r's grid combination: a fixed permutation of the grid, so rows are not in grid order.</summary>
    private static int GridIndexOfRow(int row) => (int)((row * 7919L) % Rows);

    private static int[] FactorsOf(int gridIndex)
    {
        var values = new int[5];
        for (int f = 4; f >= 0; f--)
        {
            values[f] = gridIndex % SmallNorb.Grid.Values[f];
            gridIndex /= SmallNorb.Grid.Values[f];
        }
        return values;
    }

    /// <summary>Camera 0 of row r spells the row's grid index; camera 1 is 255, which must never be read.</summary>
    private static byte Pixel(int gridIndex, int i) => (byte)((gridIndex * 3 + i * 50) % 251);

    private (string Dat, string Cat, string Info) WriteSplit(bool gzip = false)
    {
        string prefix = Path.Combine(Folder, SmallNorbFiles.FilePrefix(DatasetSplit.Test));
        var pixels = new byte[Rows * 2 * Side * Side];
        var categories = new int[Rows];
        var info = new int[Rows * 4];
        for (int row = 0; row < Rows; row++)
        {
            int index = GridIndexOfRow(row);
            var values = FactorsOf(index);
            for (int i = 0; i < Side * Side; i++)
            {
                pixels[row * 2 * Side * Side + i] = Pixel(index, i);
                pixels[row * 2 * Side * Side + Side * Side + i] = 255;
            }
            categories[row] = values[0];
            (info[row * 4], info[row * 4 + 1], info[row * 4 + 2], info[row * 4 + 3]) = (TestInstances[values[1]], values[3], 2 * values[4], values[2]);
        }
        var files = (Dat: prefix + "-dat.mat", Cat: prefix + "-cat.mat", Info: prefix + "-info.mat");
        WriteFile(files.Dat, Matrix(SmallNorbFiles.ByteMatrixMagic, [Rows, 2, Side, Side], pixels), gzip);
        WriteFile(files.Cat, Matrix(SmallNorbFiles.IntMatrixMagic, [Rows], Ints(categories)), gzip);
        WriteFile(files.Info, Matrix(SmallNorbFiles.IntMatrixMagic, [Rows, 4], Ints(info)), gzip);
        return gzip ? (files.Dat + ".gz", files.Cat + ".gz", files.Info + ".gz") : files;
    }

    private static void WriteFile(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var stream = new GZipStream(File.Create(path + ".gz"), CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Each_image_of_the_first_camera_lands_at_its_factor_values(bool gzip)
    {
        WriteSplit(gzip);
        var files = SmallNorbFiles.Open(Folder, DatasetSplit.Test);
        var image = new float[Side * Side];
        foreach (int index in new[] { 0, 1, 4321, 12345, Rows - 1 })
        {
            files.Render(FactorsOf(index), image);
            Assert.That(image, Is.EqualTo(Enumerable.Range(0, Side * Side).Select(i => Pixel(index, i) / 255f)));
        }
    }

    [Test]
    public void A_wrong_magic_number_names_the_file_and_the_expected_magic()
    {
        var (dat, _, _) = WriteSplit();
        var bytes = File.ReadAllBytes(dat);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, SmallNorbFiles.IntMatrixMagic);
        File.WriteAllBytes(dat, bytes);
        var error = Assert.Throws<FileFormatException>(() => SmallNorbFiles.Open(Folder, DatasetSplit.Test))!;
        Assert.That(error.Message, Does.StartWith(dat).And.Contain("expected 0x1E3D4C55"));
    }

    [Test]
    public void Wrong_dimensions_are_named_with_the_expected_ones()
    {
        var (_, cat, _) = WriteSplit();
        File.WriteAllBytes(cat, Matrix(SmallNorbFiles.IntMatrixMagic, [100], Ints(new int[100])));
        var error = Assert.Throws<FileFormatException>(() => SmallNorbFiles.Open(Folder, DatasetSplit.Test))!;
        Assert.That(error.Message, Does.StartWith(cat).And.Contain("[100]").And.Contain("expected [24300]"));
    }

    [Test]
    public void A_truncated_file_is_reported_as_truncated()
    {
        var (dat, _, _) = WriteSplit();
        var bytes = File.ReadAllBytes(dat);
        File.WriteAllBytes(dat, bytes[..(bytes.Length - 10)]);
        var error = Assert.Throws<FileFormatException>(() => SmallNorbFiles.Open(Folder, DatasetSplit.Test))!;
        Assert.That(error.Message, Does.StartWith(dat).And.Contain("truncated"));
    }

    [Test]
    public void Two_rows_of_the_same_image_are_rejected()
    {
        var (_, cat, info) = WriteSplit();
        var bytes = File.ReadAllBytes(info);
        // Row 1 takes row 0's instance, elevation, azimuth and lighting (after the 8-byte magic and rank and three
        // dimensions), and row 0's category.
        bytes.AsSpan(8 + 12, 16).CopyTo(bytes.AsSpan(8 + 12 + 16));
        File.WriteAllBytes(info, bytes);
        var catBytes = File.ReadAllBytes(cat);
        catBytes.AsSpan(8 + 12, 4).CopyTo(catBytes.AsSpan(8 + 12 + 4));
        File.WriteAllBytes(cat, catBytes);
        var error = Assert.Throws<FileFormatException>(() => SmallNorbFiles.Open(Folder, DatasetSplit.Test))!;
        Assert.That(error.Message, Does.Contain("rows 0 and 1 describe the same image"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<FileFormatException>(() => SmallNorbFiles.Open(Folder, DatasetSplit.Train))!;
        Assert.That(error.Message, Does.Contain("smallnorb-5x46789x9x18x6x2x96x96-training-cat.mat"));
    }
}
