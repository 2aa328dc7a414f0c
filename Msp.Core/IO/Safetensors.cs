using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Msp.Core.IO;

/// <summary>One named tensor of a safetensors file, as host data: row-major float32.</summary>
public sealed record NamedArray(string Name, int[] Shape, float[] Data)
{
    public int Size => Data.Length;
}

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each name to
/// its dtype, shape and byte range, then the raw little-endian data. It is what PyTorch users exchange weights in,
/// so Msp checkpoints open in the reference code and the reference's weights open here.
/// Reads F32 (and F64, converted); writes F32. Every structural fault is a <see cref="FileFormatException"/>.
/// </summary>
public static class Safetensors
{
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>All tensors of the file at <paramref name="path"/>, in header order, and its string metadata.</summary>
    public static (IReadOnlyList<NamedArray> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileFormatException.In(path, $"cannot be read ({e.Message}).");
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses a whole safetensors file held in memory; <paramref name="path"/> only names it in errors.</summary>
    public static (IReadOnlyList<NamedArray> Tensors, IReadOnlyDictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 8)
            throw FileFormatException.In(path, $"is {bytes.Length} bytes long; a safetensors file starts with an 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, bytes.Length - 8))
            throw FileFormatException.In(path, $"declares a {headerLength}-byte header but the file has {bytes.Length - 8} bytes after the length: not a safetensors file, or truncated.");
        var dataSection = bytes[(8 + (int)headerLength)..];

        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes.Slice(8, (int)headerLength))) as JsonObject
                     ?? throw FileFormatException.In(path, "the safetensors header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw FileFormatException.In(path, $"the safetensors header is not valid JSON ({e.Message}).");
        }
        // JsonObject finds a repeated key only when it is first enumerated or indexed.
        try
        {
            _ = header.Count;
        }
        catch (ArgumentException)
        {
            throw FileFormatException.In(path, "the safetensors header names a tensor twice.");
        }

        var metadata = new Dictionary<string, string>();
        var tensors = new List<NamedArray>();
        var ranges = new List<(long Start, long End, string Name)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject entries)
                    throw FileFormatException.In(path, "__metadata__ must be an object of strings.");
                foreach (var (key, value) in entries)
                    metadata[key] = value is JsonValue v && v.TryGetValue(out string? s) ? s : throw FileFormatException.In(path, $"__metadata__.{key} is not a string.");
                continue;
            }
            tensors.Add(ParseEntry(name, node, dataSection, path, out var range));
            ranges.Add((range.Start, range.End, name));
        }
        CheckTiling(ranges, dataSection.Length, path);
        return (tensors, metadata);
    }

    /// <summary>
    /// The tensors' byte ranges must tile the data section exactly, one after another (the rule of the reference
    /// safetensors library): a gap, an overlap or bytes left over mean a damaged header or a file cut or padded.
    /// </summary>
    private static void CheckTiling(List<(long Start, long End, string Name)> ranges, int dataLength, string path)
    {
        long expected = 0;
        foreach (var (start, end, name) in ranges.OrderBy(r => r.Start).ThenBy(r => r.End))
        {
            if (start != expected)
                throw FileFormatException.In(path, $"tensor '{name}' starts at byte {start} of the data section, expected {expected}: the byte ranges {(start < expected ? "overlap" : "leave a gap")}.");
            expected = end;
        }
        if (expected != dataLength)
            throw FileFormatException.In(path, $"the tensors cover {expected} bytes but the data section has {dataLength}: the file is cut off or has bytes after its last tensor.");
    }

    private static NamedArray ParseEntry(string name, JsonNode? node, ReadOnlySpan<byte> data, string path, out (long Start, long End) range)
    {
        try
        {
            if (node is not JsonObject entry)
                throw FileFormatException.In(path, $"tensor '{name}': header entry is not an object.");
            string dtype = entry["dtype"]?.GetValue<string>() ?? throw FileFormatException.In(path, $"tensor '{name}' has no dtype.");
            var shape = (entry["shape"] as JsonArray ?? throw FileFormatException.In(path, $"tensor '{name}' has no shape."))
                .Select(Integer).ToArray();
            var offsets = (entry["data_offsets"] as JsonArray ?? throw FileFormatException.In(path, $"tensor '{name}' has no data_offsets."))
                .Select(Integer).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                throw FileFormatException.In(path, $"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] lie outside the {data.Length}-byte data section (truncated file?).");
            if (shape.Any(d => d < 0 || d > int.MaxValue))
                throw FileFormatException.In(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is not valid.");
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int elementSize = ElementSize(dtype);
            if (elementSize == 0)
                throw FileFormatException.In(path, $"tensor '{name}' has dtype {dtype}; Msp reads F32 and F64.");
            if (count * elementSize != offsets[1] - offsets[0] || count > int.MaxValue)
                throw FileFormatException.In(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {count * elementSize} bytes, data_offsets give {offsets[1] - offsets[0]}.");
            range = (offsets[0], offsets[1]);
            var bytes = data.Slice((int)offsets[0], (int)(offsets[1] - offsets[0]));
            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
                values[i] = elementSize == 4
                    ? BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..])
                    : (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
            return new NamedArray(name, shape.Select(d => (int)d).ToArray(), values);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw FileFormatException.In(path, $"tensor '{name}': malformed header entry ({e.Message}).");
        }
    }

    private static long Integer(JsonNode? node) => node?.GetValue<long>() ?? throw new FormatException("null where an integer belongs");

    private static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        _ => 0,
    };

    /// <summary>
    /// Writes <paramref name="tensors"/> as F32 with optional string <paramref name="metadata"/>, atomically: the bytes
    /// go to a temporary file in the same folder, are flushed to disk, and only then renamed over
    /// <paramref name="path"/>, so a crash at any moment leaves either the old file or the new one, never half of one.
    /// </summary>
    public static void Write(string path, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        var names = new HashSet<string>();
        foreach (var tensor in list)
        {
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"Tensor name '{tensor.Name}' appears twice in a safetensors file.");
            if (tensor.Shape.Aggregate(1L, (a, b) => a * b) != tensor.Data.Length)
                throw new ArgumentException($"Tensor '{tensor.Name}': shape [{string.Join(", ", tensor.Shape)}] does not hold {tensor.Data.Length} values.");
            long end = offset + 4L * tensor.Data.Length;
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(end)),
            };
            offset = end;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces to a multiple of 8 so the data is aligned.
        int padded = (headerBytes.Length + 7) / 8 * 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++)
                stream.WriteByte((byte)' ');
            var buffer = new byte[1 << 16];
            foreach (var tensor in list)
                for (int start = 0; start < tensor.Data.Length; start += buffer.Length / 4)
                {
                    int count = Math.Min(buffer.Length / 4, tensor.Data.Length - start);
                    for (int i = 0; i < count; i++)
                        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), tensor.Data[start + i]);
                    stream.Write(buffer, 0, 4 * count);
                }
        });
    }
}
