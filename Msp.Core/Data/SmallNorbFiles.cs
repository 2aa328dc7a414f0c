using System.Buffers.Binary;
using System.IO.Compression;
using Msp.Core.IO;

namespace Msp.Core.Data;

/// <summary>
/// One split of NYU's SmallNORB from its binary matrix files (<c>smallnorb-5x46789x9x18x6x2x96x96-training-dat.mat</c>,
/// <c>-cat.mat</c>, <c>-info.mat</c>; <c>5x01235…-testing-…</c> for the test split; raw or .gz). Each file is a
/// little-endian header, magic (0x1E3D4C55 bytes, 0x1E3D4C54 int32), the rank, max(3, rank) dimensions, then the data:
/// dat uint8 [24300, 2, side, side] (a stereo pair per row), cat int32 [24300], info int32 [24300, 4] (instance,
/// elevation 0–8, azimuth 0, 2, …, 34, lighting 0–5). Images of the first camera are kept, indexed on
/// <see cref="SmallNorb.Grid"/>; the split's five instance numbers, in increasing order, become instances 0–4. The image
/// side is read from the file, so tests can write the real layout with tiny images.
/// </summary>
public sealed class SmallNorbFiles : IFactorImages
{
    public const int ByteMatrixMagic = 0x1E3D4C55, IntMatrixMagic = 0x1E3D4C54;

    private readonly byte[] _pixels;
    private readonly int[] _rowOfGridIndex;

    private SmallNorbFiles(byte[] pixels, int[] rowOfGridIndex, int size)
    {
        _pixels = pixels;
        _rowOfGridIndex = rowOfGridIndex;
        Size = size;
    }

    public FactorGrid Grid => SmallNorb.Grid;

    public int Channels => SmallNorb.Channels;

    public int Size { get; }

    /// <summary>The files' common name stem for <paramref name="split"/>.</summary>
    public static string FilePrefix(DatasetSplit split) => split == DatasetSplit.Train
        ? "smallnorb-5x46789x9x18x6x2x96x96-training"
        : "smallnorb-5x01235x9x18x6x2x96x96-testing";

    /// <summary>Reads <paramref name="split"/>'s three files from <paramref name="folder"/>; a
    /// <see cref="FileFormatException"/> names the file and what was expected when one does not fit.</summary>
    public static SmallNorbFiles Open(string folder, DatasetSplit split)
    {
        int rows = (int)SmallNorb.Grid.Count;
        string catPath = Find(folder, split, "cat"), infoPath = Find(folder, split, "info"), datPath = Find(folder, split, "dat");
        int[] categories = ReadInts(catPath, [rows]);
        int[] info = ReadInts(infoPath, [rows, 4]);
        using var dat = OpenMatrix(datPath, ByteMatrixMagic, out var dims);
        if (dims.Length != 4 || dims[0] != rows || dims[1] != 2 || dims[2] != dims[3] || dims[2] < 1)
            throw FileFormatException.In(datPath, $"holds a byte matrix [{string.Join(", ", dims)}]; expected [{rows}, 2, 96, 96] (a stereo pair of square images per row).");
        int side = dims[2], plane = side * side;
        var pixels = new byte[(long)rows * plane];
        var skipped = new byte[plane];
        for (int row = 0; row < rows; row++)
        {
            ReadExactly(dat, pixels.AsSpan(row * plane, plane), datPath);
            ReadExactly(dat, skipped, datPath);
        }
        return new SmallNorbFiles(pixels, GridRows(categories, info, infoPath, catPath), side);
    }

    public void Render(ReadOnlySpan<int> factorValues, Span<float> image)
    {
        int row = _rowOfGridIndex[Grid.Index(factorValues)];
        int plane = Size * Size;
        var pixels = _pixels.AsSpan(row * plane, plane);
        for (int i = 0; i < plane; i++)
            image[i] = pixels[i] / 255f;
    }

    /// <summary>For each grid index (category, instance, lighting, elevation, azimuth) the file row holding it; every
    /// combination must occur exactly once.</summary>
    private static int[] GridRows(int[] categories, int[] info, string infoPath, string catPath)
    {
        var grid = SmallNorb.Grid;
        var instances = Enumerable.Range(0, categories.Length).Select(r => info[r * 4]).Distinct().Order().ToArray();
        if (instances.Length != grid.Values[1])
            throw FileFormatException.In(infoPath, $"lists {instances.Length} instance numbers ({string.Join(", ", instances)}); a SmallNORB split has {grid.Values[1]}.");
        var rowOf = new int[grid.Count];
        Array.Fill(rowOf, -1);
        Span<int> values = stackalloc int[grid.FactorCount];
        for (int row = 0; row < categories.Length; row++)
        {
            int azimuth = info[row * 4 + 2];
            values[0] = categories[row];
            values[1] = Array.IndexOf(instances, info[row * 4]);
            values[2] = info[row * 4 + 3];
            values[3] = info[row * 4 + 1];
            values[4] = azimuth / 2;
            for (int f = 0; f < grid.FactorCount; f++)
                if ((uint)values[f] >= (uint)grid.Values[f] || azimuth % 2 != 0)
                    throw FileFormatException.In(f == 0 ? catPath : infoPath, $"row {row} has {grid.Names[f]} {(f == 4 ? azimuth : values[f])}, outside SmallNORB's range " +
                        $"({(f == 4 ? "0, 2, ..., 34" : $"0..{grid.Values[f] - 1}")}).");
            long index = grid.Index(values);
            if (rowOf[index] >= 0)
                throw FileFormatException.In(infoPath, $"rows {rowOf[index]} and {row} describe the same image (category {values[0]}, instance {info[row * 4]}, lighting {values[2]}, elevation {values[3]}, azimuth {azimuth}).");
            rowOf[index] = row;
        }
        return rowOf;
    }

    private static string Find(string folder, DatasetSplit split, string part)
    {
        string path = Path.Combine(folder, $"{FilePrefix(split)}-{part}.mat");
        if (File.Exists(path))
            return path;
        if (File.Exists(path + ".gz"))
            return path + ".gz";
        throw new FileFormatException($"{folder}: no {Path.GetFileName(path)}[.gz]; a SmallNORB folder holds NYU's {FilePrefix(split)}-dat.mat, -cat.mat and -info.mat.");
    }

    private static int[] ReadInts(string path, int[] expectedDims)
    {
        using var stream = OpenMatrix(path, IntMatrixMagic, out var dims);
        if (!dims.SequenceEqual(expectedDims))
            throw FileFormatException.In(path, $"holds an int32 matrix [{string.Join(", ", dims)}]; expected [{string.Join(", ", expectedDims)}].");
        var bytes = new byte[expectedDims.Aggregate(4, (product, d) => product * d)];
        ReadExactly(stream, bytes, path);
        var values = new int[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    /// <summary>Opens a matrix file (inflating gzip), checks its magic and returns it positioned at the data, with the
    /// declared dimensions (the padding of rank &lt; 3 to three dimensions removed).</summary>
    private static Stream OpenMatrix(string path, int magic, out int[] dims)
    {
        Stream stream;
        try
        {
            stream = new BufferedStream(File.OpenRead(path), 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileFormatException($"{path}: cannot be opened ({e.Message}).", e);
        }
        try
        {
            Span<byte> signature = stackalloc byte[2];
            int read = stream.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            stream.Position = 0;
            if (read == 2 && signature[0] == 0x1f && signature[1] == 0x8b)
                stream = new BufferedStream(new GZipStream(stream, CompressionMode.Decompress), 1 << 20);
            Span<byte> header = stackalloc byte[8];
            ReadExactly(stream, header, path);
            int found = BinaryPrimitives.ReadInt32LittleEndian(header), rank = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            if (found != magic)
                throw FileFormatException.In(path, $"magic number 0x{found:X8}; expected 0x{magic:X8} ({(magic == ByteMatrixMagic ? "a byte" : "an int32")} matrix of NYU's SmallNORB format).");
            if (rank < 1 || rank > 8)
                throw FileFormatException.In(path, $"declares {rank} dimensions; a SmallNORB matrix has 1 to 4.");
            var dimBytes = new byte[4 * Math.Max(3, rank)];
            ReadExactly(stream, dimBytes, path);
            dims = Enumerable.Range(0, rank).Select(d => BinaryPrimitives.ReadInt32LittleEndian(dimBytes.AsSpan(4 * d))).ToArray();
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException($"{path}: the gzip data is damaged ({e.Message}).", e);
        }
        if (read < buffer.Length)
            throw FileFormatException.In(path, "ends before the data its header declares: the file is truncated (an interrupted download?).");
    }
}
