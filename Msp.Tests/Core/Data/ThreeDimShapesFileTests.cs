using Msp.Core.Data;
using Msp.Core.IO;
using Msp.Tests.Support;
using PureHDF;

namespace Msp.Tests.Core.Data;

/// <summary>
/// 3dshapes.h5 files in DeepMind's layout (images uint8 [480000, side, side, 3], labels float64 [480000, 6]) written
/// by PureHDF, with 2×2 images so the file stays at ~28 MB and a second to write; and files that break the layout.
/// </summary>
public sealed class ThreeDimShapesFileTests : TempFolderTests
{
    private const int Side = 2, Count = 480000;

    /// <summary>Pixel value of image i, row y, column x, channel c: distinct enough to catch a transposition.</summary>
    private static byte Pixel(long i, int y, int x, int c) => (byte)((i * 7 + y * 31 + x * 17 + c * 89) % 256);

    private static byte[] Images(int count)
    {
        var images = new byte[count * Side * Side * 3];
        for (long i = 0; i < count; i++)
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                    for (int c = 0; c < 3; c++)
                        images[((i * Side + y) * Side + x) * 3 + c] = Pixel(i, y, x, c);
        return images;
    }

    /// <summary>The label rows of the real file: each image's factor values, the last factor varying fastest.</summary>
    private static double[] Labels(int count, bool swapScaleAndShape = false)
    {
        var grid = ThreeDimShapes.Grid;
        var labels = new double[count * 6];
        for (long i = 0; i < count; i++)
        {
            long rest = i;
            for (int f = 5; f >= 0; f--)
            {
                int value = (int)(rest % grid.Values[f]);
                rest /= grid.Values[f];
                labels[i * 6 + f] = ThreeDimShapes.LabelValue(f, value);
            }
            if (swapScaleAndShape)
                (labels[i * 6 + 3], labels[i * 6 + 4]) = (labels[i * 6 + 4], labels[i * 6 + 3]);
        }
        return labels;
    }

    private string Write(string name, byte[] images, ulong[] imageDims, double[] labels, ulong[] labelDims)
    {
        string path = Path.Combine(Folder, name);
        new H5File
        {
            ["images"] = new H5Dataset(images, fileDims: imageDims),
            ["labels"] = new H5Dataset(labels, fileDims: labelDims),
        }.Write(path);
        return path;
    }

    private string WriteValid() => Write(ThreeDimShapesFile.FileName, Images(Count), [Count, Side, Side, 3], Labels(Count), [Count, 6]);

    [Test]
    public void Images_are_read_at_their_factor_index_channel_first_in_0_to_1()
    {
        using var file = ThreeDimShapesFile.Open(WriteValid());
        Assert.That(file.Size, Is.EqualTo(Side));
        var image = new float[3 * Side * Side];
        foreach (int[] values in new[] { new[] { 0, 0, 0, 0, 0, 0 }, [3, 9, 1, 7, 2, 14], [9, 9, 9, 7, 3, 14] })
        {
            file.Render(values, image);
            long index = ThreeDimShapes.Grid.Index(values);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < Side; y++)
                    for (int x = 0; x < Side; x++)
                        Assert.That(image[(c * Side + y) * Side + x], Is.EqualTo(Pixel(index, y, x, c) / 255f));
        }
    }

    [Test]
    public void A_wrong_image_shape_is_named_with_the_expected_one()
    {
        string path = Write("small.h5", Images(1000), [1000, Side, Side, 3], Labels(1000), [1000, 6]);
        var error = Assert.Throws<FileFormatException>(() => ThreeDimShapesFile.Open(path))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain("[1000, 2, 2, 3]").And.Contain("expected [480000, 64, 64, 3]"));
    }

    [Test]
    public void Labels_out_of_factor_order_are_rejected()
    {
        string path = Write("swapped.h5", Images(Count), [Count, Side, Side, 3], Labels(Count, swapScaleAndShape: true), [Count, 6]);
        var error = Assert.Throws<FileFormatException>(() => ThreeDimShapesFile.Open(path))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain("factor order"));
    }

    [Test]
    public void A_missing_dataset_is_named()
    {
        string path = Path.Combine(Folder, "noimages.h5");
        new H5File { ["labels"] = new H5Dataset(Labels(10), fileDims: [10, 6]) }.Write(path);
        var error = Assert.Throws<FileFormatException>(() => ThreeDimShapesFile.Open(path))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain("no dataset 'images'"));
    }

    [Test]
    public void A_file_that_is_not_hdf5_or_is_cut_short_is_reported_with_its_path()
    {
        string garbage = Path.Combine(Folder, "garbage.h5");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 4096).Select(i => (byte)(i * 13)).ToArray());
        Assert.That(() => ThreeDimShapesFile.Open(garbage), Throws.TypeOf<FileFormatException>().With.Message.StartsWith(garbage).And.Message.Contains("HDF5"));

        string valid = WriteValid(), truncated = Path.Combine(Folder, "truncated.h5");
        var bytes = File.ReadAllBytes(valid);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        Assert.That(() =>
        {
            using var file = ThreeDimShapesFile.Open(truncated);
            file.Render([9, 9, 9, 7, 3, 14], new float[3 * Side * Side]);
        }, Throws.TypeOf<FileFormatException>().With.Message.StartsWith(truncated));
    }
}
