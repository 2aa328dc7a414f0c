using System.Buffers.Binary;
using System.Text;
using Msp.Core.IO;
using Msp.Tests.Support;

namespace Msp.Tests.Core.IO;

public sealed class SafetensorsTests : TempFolderTests
{
    [Test]
    public void Written_tensors_read_back_exactly_with_metadata()
    {
        string path = Path.Combine(Folder, "a.safetensors");
        var tensors = new[]
        {
            new NamedArray("enc.phi.0.weight", [2, 3], [1f, -2.5f, 3e-8f, float.MaxValue, 0f, -0f]),
            new NamedArray("scalar", [], [42f]),
            new NamedArray("empty", [0, 4], []),
        };
        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["step"] = "17" });
        var (read, metadata) = Safetensors.Read(path);
        Assert.That(read.Select(t => t.Name), Is.EqualTo(tensors.Select(t => t.Name)));
        for (int i = 0; i < tensors.Length; i++)
        {
            Assert.That(read[i].Shape, Is.EqualTo(tensors[i].Shape));
            Assert.That(read[i].Data, Is.EqualTo(tensors[i].Data));
        }
        Assert.That(metadata["step"], Is.EqualTo("17"));
    }

    [Test]
    public void Header_is_padded_to_eight_bytes_and_offsets_follow_the_format()
    {
        string path = Path.Combine(Folder, "b.safetensors");
        Safetensors.Write(path, [new NamedArray("x", [3], [1f, 2f, 3f])]);
        var bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.Zero);
        Assert.That(bytes.Length, Is.EqualTo(8 + (int)headerLength + 12));
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.That(header, Does.Contain("\"data_offsets\":[0,12]").And.Contain("\"dtype\":\"F32\""));
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)headerLength + 4)), Is.EqualTo(2f));
    }

    [Test]
    public void Reads_the_golden_files_of_the_reference()
    {
        var (tensors, _) = Safetensors.Read(Path.Combine(GoldenFiles.Folder, "inputs.safetensors"));
        var xs = tensors.Single(t => t.Name == "xs");
        Assert.That(xs.Shape, Is.EqualTo(new[] { 4, 3, 3, 32, 32 }));
        Assert.That(xs.Data.Min(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(xs.Data.Max(), Is.LessThanOrEqualTo(1f).And.GreaterThan(0.5f));
    }

    private static IEnumerable<TestCaseData> Corruptions()
    {
        yield return new TestCaseData(new byte[3], "8-byte header length").SetName("too short");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "outside").SetName("truncated data");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes").SetName("shape does not fit offsets");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"I8\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8), "dtype I8").SetName("unsupported dtype");
        yield return new TestCaseData(WithHeader("{\"x\": [1, 2", 0), "not valid JSON").SetName("broken json");
        yield return new TestCaseData(WithHeader("[1, 2]", 0), "not a JSON object").SetName("header not an object");
        yield return new TestCaseData(WithHeader("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "no dtype").SetName("missing dtype");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[null],\"data_offsets\":[0,4]}}", 4), "malformed").SetName("null in a shape");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "twice").SetName("a name twice");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "overlap").SetName("overlapping tensors");
        yield return new TestCaseData(WithHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "leave a gap").SetName("a gap before a tensor");
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        yield return new TestCaseData(huge, "header").SetName("absurd header length");
    }

    [TestCaseSource(nameof(Corruptions))]
    public void Corrupt_files_are_rejected_with_a_message_naming_the_file(byte[] content, string expected)
    {
        string path = Path.Combine(Folder, "bad.safetensors");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<FileFormatException>(() => Safetensors.Read(path))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain(expected));
    }

    private static byte[] WithHeader(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>The valid file the fuzz tests damage: two tensors and one metadata entry.</summary>
    private (string Path, byte[] Bytes) WriteFuzzSeed()
    {
        string path = Path.Combine(Folder, "valid.safetensors");
        Safetensors.Write(path, [new NamedArray("alpha", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]), new NamedArray("beta", [4], [7f, 8f, 9f, 10f])],
            new Dictionary<string, string> { ["kind"] = "fuzz" });
        return (path, File.ReadAllBytes(path));
    }

    [Test]
    public void Fuzz_every_truncated_or_structurally_damaged_file_is_rejected_naming_it()
    {
        var (path, valid) = WriteFuzzSeed();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var header = Enumerable.Range(8, headerEnd - 8);
        var variants = FileDamage.Truncations(valid)
            .Concat(FileDamage.ChangedBytes(valid, Enumerable.Range(0, 8), b => (byte)(b ^ 0x01), "of the length xor 1"))
            .Concat(FileDamage.ChangedBytes(valid, Enumerable.Range(0, 8), b => (byte)(b ^ 0xff), "of the length inverted"))
            .Concat(FileDamage.ChangedBytes(valid, header.Where(i => char.IsAsciiDigit((char)valid[i])), b => (byte)('0' + (b - '0' + 1) % 10), "(a digit) plus one"))
            .Concat(FileDamage.ChangedBytes(valid, header.Where(i => "{}[]:,\"".Contains((char)valid[i])), _ => (byte)'x', "(JSON syntax) made 'x'"))
            .Concat(FileDamage.Appended(valid, 3))
            .ToList();
        var outcomes = FileDamage.ReadAll(variants, bytes => Safetensors.Parse(bytes, path));
        TestContext.Out.WriteLine($"{outcomes.Count} damaged safetensors files");
        Assert.That(outcomes, Has.Count.GreaterThanOrEqualTo(200));
        FileDamage.AssertEachRejectedNaming(outcomes, path);
    }

    [Test]
    public void Fuzz_random_byte_changes_are_read_or_rejected_never_another_failure()
    {
        // A changed byte inside a name, a metadata value or the tensor data leaves a well-formed file (safetensors has no
        // checksum), so these may be read; what must never happen is any other exception, a crash or a hang.
        var (path, valid) = WriteFuzzSeed();
        var random = new Random(8);
        var variants = Enumerable.Range(0, 300).Select(_ => random.Next(valid.Length))
            .SelectMany(position => FileDamage.ChangedBytes(valid, [position], _ => (byte)random.Next(256), "set at random"));
        var outcomes = FileDamage.ReadAll(variants, bytes => Safetensors.Parse(bytes, path));
        TestContext.Out.WriteLine($"{outcomes.Count(o => o.Error is not null)} of {outcomes.Count} randomly damaged files rejected");
        Assert.Multiple(() =>
        {
            foreach (var (variant, error) in outcomes.Where(o => o.Error is not null))
                Assert.That(error, Is.TypeOf<FileFormatException>(), $"{variant}: {error?.GetType().Name} {error?.Message}");
        });
    }
}
