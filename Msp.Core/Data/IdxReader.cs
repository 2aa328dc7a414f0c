using System.Buffers.Binary;
using System.IO.Compression;
using Msp.Core.IO;

namespace Msp.Core.Data;

/// <summary>
/// Reads IDX files, the format MNIST is distributed in: a big-endian header (magic 0x000008NN, where 08 means
/// unsigned bytes and NN the number of dimensions, then one 32-bit size per dimension) followed by the bytes.
/// Files may be raw or gzip-compressed (recognised by their first two bytes, 1f 8b, not by their name).
/// Every defect (wrong magic, truncation, trailing bytes, implausible sizes) is a <see cref="FileFormatException"/>.
/// </summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static IdxImages ReadImages(string path) => ReadImages(OpenFile(path), path);

    /// <summary>Reads an IDX3 image file from <paramref name="stream"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string sourceName)
    {
        using var payload = Decompressed(stream, sourceName);
        int[] dims = ReadHeader(payload, ImagesMagic, sourceName);
        long size = (long)dims[0] * dims[1] * dims[2];
        if (size > Array.MaxLength)
            throw new FileFormatException(
                $"{sourceName}: the header declares {dims[0]} images of {dims[1]}x{dims[2]} pixels, more than one array can hold.");
        return new IdxImages(dims[0], dims[1], dims[2], ReadBody(payload, (int)size, sourceName));
    }

    public static byte[] ReadLabels(string path) => ReadLabels(OpenFile(path), path);

    /// <summary>Reads an IDX1 label file from <paramref name="stream"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string sourceName)
    {
        using var payload = Decompressed(stream, sourceName);
        int[] dims = ReadHeader(payload, LabelsMagic, sourceName);
        return ReadBody(payload, dims[0], sourceName);
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileFormatException($"{path}: cannot be opened ({e.Message}).", e);
        }
    }

    /// <summary>The file's bytes as a stream, inflated when it starts with the gzip signature. Takes ownership of
    /// <paramref name="stream"/>. A cut-off gzip file inflates to fewer bytes than the header declares, which
    /// <see cref="ReadBody"/> reports; damaged deflate data surfaces as <see cref="InvalidDataException"/>.</summary>
    private static Stream Decompressed(Stream stream, string sourceName)
    {
        var whole = new MemoryStream();
        using (stream)
            stream.CopyTo(whole);
        whole.Position = 0;
        byte[] start = whole.GetBuffer();
        bool gzip = whole.Length >= 2 && start[0] == 0x1f && start[1] == 0x8b;
        return gzip ? new GZipStream(whole, CompressionMode.Decompress) : whole;
    }

    private static int[] ReadHeader(Stream payload, int expectedMagic, string sourceName)
    {
        int dimensionCount = expectedMagic & 0xff;
        string kind = expectedMagic == ImagesMagic ? "IDX3 image file" : "IDX1 label file";
        Span<byte> magicBytes = stackalloc byte[4];
        int got = ReadUpTo(payload, magicBytes, sourceName);
        if (got < 4)
            throw new FileFormatException(
                $"{sourceName}: expected an {kind} (magic 0x{expectedMagic:x8}), but the file has only {got} byte(s).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        if (magic != expectedMagic)
            throw new FileFormatException(
                $"{sourceName}: expected an {kind} (magic 0x{expectedMagic:x8}), found magic 0x{magic:x8}{DescribeMagic(magic)}.");

        Span<byte> sizeBytes = stackalloc byte[4 * dimensionCount];
        got = ReadUpTo(payload, sizeBytes, sourceName);
        if (got < sizeBytes.Length)
            throw new FileFormatException(
                $"{sourceName}: truncated header: expected {dimensionCount} dimension sizes ({sizeBytes.Length} bytes), found {got} byte(s).");
        var dims = new int[dimensionCount];
        for (int d = 0; d < dimensionCount; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes[(4 * d)..]);
            bool itemCount = d == 0;
            if (dims[d] < 0 || (!itemCount && dims[d] == 0))
                throw new FileFormatException(
                    $"{sourceName}: dimension {d} of the header is {dims[d]}; expected a {(itemCount ? "non-negative" : "positive")} size.");
        }
        return dims;
    }

    private static byte[] ReadBody(Stream payload, int size, string sourceName)
    {
        var body = new byte[size];
        int got = ReadUpTo(payload, body, sourceName);
        if (got < size)
            throw new FileFormatException(
                $"{sourceName}: truncated: the header declares {size} data bytes, the file holds only {got}.");
        Span<byte> probe = stackalloc byte[1];
        if (ReadUpTo(payload, probe, sourceName) != 0)
            throw new FileFormatException(
                $"{sourceName}: the file is longer than its header declares ({size} data bytes); is the header damaged?");
        return body;
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the stream allows and returns how much was read.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer, string sourceName)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException($"{sourceName}: the gzip data is corrupt ({e.Message}).", e);
        }
    }

    private static string DescribeMagic(int magic) => magic switch
    {
        ImagesMagic => " (an IDX3 image file)",
        LabelsMagic => " (an IDX1 label file)",
        _ when (magic & unchecked((int)0xffffff00)) == 0x00000800 => $" (an IDX file of bytes with {magic & 0xff} dimensions)",
        _ => " (not an IDX file of bytes)",
    };
}
