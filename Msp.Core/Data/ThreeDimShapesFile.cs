using Msp.Core.IO;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Msp.Core.Data;

/// <summary>
/// DeepMind's 3dshapes.h5, read with PureHDF (managed HDF5): dataset <c>images</c>, uint8 [480000, 64, 64, 3]
/// (height, width, RGB), and <c>labels</c>, float64 [480000, 6], the factor values in <see cref="ThreeDimShapes.Grid"/>'s
/// order. Opening checks both layouts and that the labels sit on the grid in storage order (first, last and a few rows
/// between); images are then read one at a time, as a hyperslab, when a sequence needs them. The image side is read
/// from the file, so tests can write the real layout with tiny images.
/// </summary>
public sealed class ThreeDimShapesFile : IFactorImages, IDisposable
{
    public const string FileName = "3dshapes.h5";

    private const double LabelTolerance = 1e-6;

    private readonly string _path;
    private readonly NativeFile _file;
    private readonly IH5Dataset _images;
    private readonly Lock _readLock = new();

    private ThreeDimShapesFile(string path, NativeFile file, IH5Dataset images, int size)
    {
        _path = path;
        _file = file;
        _images = images;
        Size = size;
    }

    public FactorGrid Grid => ThreeDimShapes.Grid;

    public int Channels => ThreeDimShapes.Channels;

    public int Size { get; }

    /// <summary>Opens and checks <paramref name="path"/>; a <see cref="FileFormatException"/> names the file and what
    /// was expected where it is not a 3DShapes file.</summary>
    public static ThreeDimShapesFile Open(string path)
    {
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FileFormatException($"{path}: cannot be opened as an HDF5 file ({e.Message}). Expected DeepMind's {FileName}.", e);
        }
        try
        {
            long count = ThreeDimShapes.Grid.Count;
            var images = Dataset(file, path, "images");
            var dims = images.Space.Dimensions;
            if (images.Type.Class != H5DataTypeClass.FixedPoint || images.Type.Size != 1 || images.Type.FixedPoint.IsSigned)
                throw FileFormatException.In(path, $"dataset 'images' holds {images.Type.Class} values of {images.Type.Size} bytes; expected uint8.");
            if (dims.Length != 4 || (long)dims[0] != count || dims[1] != dims[2] || dims[3] != 3 || dims[1] == 0)
                throw FileFormatException.In(path, $"dataset 'images' has shape [{string.Join(", ", dims)}]; expected [{count}, 64, 64, 3] (one square RGB image per factor combination).");
            var labels = Dataset(file, path, "labels");
            var labelDims = labels.Space.Dimensions;
            if (labels.Type.Class != H5DataTypeClass.FloatingPoint || labels.Type.Size != 8)
                throw FileFormatException.In(path, $"dataset 'labels' holds {labels.Type.Class} values of {labels.Type.Size} bytes; expected float64.");
            if (labelDims.Length != 2 || (long)labelDims[0] != count || labelDims[1] != (ulong)ThreeDimShapes.Grid.FactorCount)
                throw FileFormatException.In(path, $"dataset 'labels' has shape [{string.Join(", ", labelDims)}]; expected [{count}, {ThreeDimShapes.Grid.FactorCount}].");
            CheckLabels(path, labels);
            return new ThreeDimShapesFile(path, file, images, (int)dims[1]);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
    {
        long index = Grid.Index(factorValues);
        byte[] pixels;
        var selection = new HyperslabSelection(4, [(ulong)index, 0, 0, 0], [1, (ulong)Size, (ulong)Size, 3]);
        // PureHDF's reader shares one stream and chunk cache: one read at a time.
        lock (_readLock)
        {
            try
            {
                pixels = _images.Read<byte[]>(selection);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new FileFormatException($"{_path}: image {index} cannot be read ({e.Message}); the file may be truncated or damaged.", e);
            }
        }
        int plane = Size * Size;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                image[c * plane + i] = pixels[i * 3 + c] / 255f;
    }

    public void Dispose() => _file.Dispose();

    private static IH5Dataset Dataset(NativeFile file, string path, string name)
    {
        if (!file.LinkExists(name))
            throw FileFormatException.In(path, $"no dataset '{name}'; a 3DShapes file has datasets 'images' (uint8 [480000, 64, 64, 3]) and 'labels' (float64 [480000, 6]).");
        return file.Dataset(name);
    }

    /// <summary>Rows 0, the last, and a spread between must hold the grid values of their index.</summary>
    private static void CheckLabels(string path, IH5Dataset labels)
    {
        var grid = ThreeDimShapes.Grid;
        Span<int> values = stackalloc int[grid.FactorCount];
        foreach (long row in (ReadOnlySpan<long>)[0, 1, 4321, 123457, 299999, grid.Count - 1])
        {
            var label = labels.Read<double[]>(new HyperslabSelection(2, [(ulong)row, 0], [1, (ulong)grid.FactorCount]));
            long rest = row;
            for (int f = grid.FactorCount - 1; f >= 0; f--)
            {
                values[f] = (int)(rest % grid.Values[f]);
                rest /= grid.Values[f];
            }
            for (int f = 0; f < grid.FactorCount; f++)
                if (Math.Abs(label[f] - ThreeDimShapes.LabelValue(f, values[f])) > LabelTolerance * Math.Max(1, Math.Abs(label[f])))
                    throw FileFormatException.In(path, $"labels row {row} gives {grid.Names[f]} = {label[f]}, expected {ThreeDimShapes.LabelValue(f, values[f])}: " +
                        "the images are not stored in 3DShapes' factor order (floor_hue, wall_hue, object_hue, scale, shape, orientation, the last varying fastest).");
        }
    }
}
