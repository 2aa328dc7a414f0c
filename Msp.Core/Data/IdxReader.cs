using System.Buffers.Binary;
using System.IO.Compression;
using Msp.Core.IO;

namespace Msp.Core.Data;

/// <summary>
/// Reads IDX files, the format MNIST is distributed in: a big-endian header (magic 0x000008NN, where 08 means
/// unsigned bytes and NN the number of dimensions, then one 32-bit size per dimension) followed by the bytes.
/// Files may be raw or gzip-compressed (recognised by their first two bytes, 1f 8b, not by their name).
/// Every defect (wrong magic, truncation, trailing bytes, implausible sizes, damaged gzip) is a
/// <see cref="FileFormatException"/>; gzip files must be single-member (as the MNIST downloads are).
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

    /// <summary>
    /// The file's bytes in memory, inflated when they start with the gzip signature (taking ownership of
    /// <paramref name="stream"/>). GZipStream checks the CRC when the 8-byte trailer is there,
    /// but reads a file cut off inside the trailer without complaint, so the trailer's length field is checked here.
    /// </summary>
    private static MemoryStream Decompressed(Stream stream, string sourceName)
    {
        // Deflate expands a byte to at most 1032; a damaged stream cannot make us hold more than that.
        const long DeflateMaxExpansion = 1032;
        var whole = new MemoryStream();
        using (stream)
            stream.CopyTo(whole);
        whole.Position = 0;
        byte[] file = whole.GetBuffer();
        if (!(whole.Length >= 2 && file[0] == 0x1f && file[1] == 0x8b))
            return whole;
        var inflated = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(whole, CompressionMode.Decompress, leaveOpen: true);
            CopyAtMost(gzip, inflated, whole.Length * DeflateMaxExpansion);
        }
        catch (InvalidDataException e)
        {
            throw new FileFormatException($"{sourceName}: the gzip data is corrupt ({e.Message}).", e);
        }
        uint declared = whole.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)whole.Length - 4)) : 0;
        if (whole.Length < 18 || declared != (uint)inflated.Length)
            throw new FileFormatException(
                $"{sourceName}: the gzip file is cut off or damaged: it inflates to {inflated.Length} bytes, its trailer declares {declared} (a gzip file ends with an 8-byte CRC and length).");
        inflated.Position = 0;
        return inflated;
    }

    private static void CopyAtMost(Stream source, Stream destination, long limit)
    {
        var buffer = new byte[1 << 16];
        for (int read; (read = source.Read(buffer)) > 0;)
        {
            destination.Write(buffer, 0, read);
            if (destination.Length > limit)
                throw new InvalidDataException($"it inflates to more than {limit} bytes");
        }
    }

    private static int[] ReadHeader(Stream payload, int expectedMagic, string sourceName)
    {
        int dimensionCount = expectedMagic & 0xff;
        string kind = expectedMagic == ImagesMagic ? "IDX3 image file" : "IDX1 label file";
        Span<byte> magicBytes = stackalloc byte[4];
        int got = ReadUpTo(payload, magicBytes);
        if (got < 4)
            throw new FileFormatException(
                $"{sourceName}: expected an {kind} (magic 0x{expectedMagic:x8}), but the file has only {got} byte(s).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        if (magic != expectedMagic)
            throw new FileFormatException(
                $"{sourceName}: expected an {kind} (magic 0x{expectedMagic:x8}), found magic 0x{magic:x8}{DescribeMagic(magic)}.");

        Span<byte> sizeBytes = stackalloc byte[4 * dimensionCount];
        got = ReadUpTo(payload, sizeBytes);
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

    private static byte[] ReadBody(MemoryStream payload, int size, string sourceName)
    {
        // The length is known before anything is allocated, so a damaged header declaring gigabytes costs nothing.
        long remaining = payload.Length - payload.Position;
        if (remaining < size)
            throw new FileFormatException(
                $"{sourceName}: truncated: the header declares {size} data bytes, the file holds only {remaining}.");
        if (remaining > size)
            throw new FileFormatException(
                $"{sourceName}: the file is longer than its header declares ({size} data bytes); is the header damaged?");
        var body = new byte[size];
        payload.ReadExactly(body);
        return body;
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the stream allows and returns how much was read.</summary>
    private static int ReadUpTo(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private static string DescribeMagic(int magic) => magic switch
    {
        ImagesMagic => " (an IDX3 image file)",
        LabelsMagic => " (an IDX1 label file)",
        _ when (magic & unchecked((int)0xffffff00)) == 0x00000800 => $" (an IDX file of bytes with {magic & 0xff} dimensions)",
        _ => " (not an IDX file of bytes)",
    };
}
