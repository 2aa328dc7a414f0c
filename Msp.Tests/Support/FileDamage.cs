using Msp.Core.IO;

namespace Msp.Tests.Support;

/// <summary>
/// Damaged copies of a valid file for fuzz-style tests of the readers: every cut-off length, single bytes changed at
/// chosen places, bytes appended. Deterministic, so a failure names a variant that can be rebuilt.
/// </summary>
public static class FileDamage
{
    /// <summary>The file cut off after 0, 1, ..., length − 1 bytes.</summary>
    public static IEnumerable<(string Variant, byte[] Bytes)> Truncations(byte[] valid) =>
        Enumerable.Range(0, valid.Length).Select(length => ($"cut to {length} bytes", valid[..length]));

    /// <summary>The byte at each of <paramref name="positions"/> replaced by <paramref name="replace"/>(old byte).</summary>
    public static IEnumerable<(string Variant, byte[] Bytes)> ChangedBytes(byte[] valid, IEnumerable<int> positions, Func<byte, byte> replace, string how) =>
        positions.Select(position =>
        {
            var bytes = (byte[])valid.Clone();
            bytes[position] = replace(bytes[position]);
            return ($"byte {position} {how}", bytes);
        });

    /// <summary>The file with 1, 2, ... <paramref name="maxExtra"/> bytes appended.</summary>
    public static IEnumerable<(string Variant, byte[] Bytes)> Appended(byte[] valid, int maxExtra) =>
        Enumerable.Range(1, maxExtra).Select(extra => ($"{extra} byte(s) appended", valid.Concat(Enumerable.Repeat((byte)0x2a, extra)).ToArray()));

    /// <summary>
    /// Runs <paramref name="read"/> on each variant (on a worker, so a hang fails the test instead of stalling it) and
    /// returns how each ended: null when the read succeeded, else the exception.
    /// </summary>
    public static List<(string Variant, Exception? Error)> ReadAll(IEnumerable<(string Variant, byte[] Bytes)> variants, Action<byte[]> read)
    {
        var outcomes = new List<(string, Exception?)>();
        var work = Task.Run(() =>
        {
            foreach (var (variant, bytes) in variants)
            {
                try
                {
                    read(bytes);
                    outcomes.Add((variant, null));
                }
                catch (Exception e)
                {
                    outcomes.Add((variant, e));
                }
            }
        });
        Assert.That(work.Wait(TimeSpan.FromSeconds(60)), Is.True, $"a read hung; the last variant done: {(outcomes.Count > 0 ? outcomes[^1].Item1 : "none")}");
        return outcomes;
    }

    /// <summary>Every outcome of <see cref="ReadAll"/> is a <see cref="FileFormatException"/> whose message starts with
    /// <paramref name="fileName"/>: rejected, and the user told which file.</summary>
    public static void AssertEachRejectedNaming(IEnumerable<(string Variant, Exception? Error)> outcomes, string fileName) =>
        Assert.Multiple(() =>
        {
            foreach (var (variant, error) in outcomes)
            {
                Assert.That(error, Is.TypeOf<FileFormatException>(), $"{variant}: {error?.GetType().Name} {error?.Message}");
                Assert.That(error?.Message, Does.StartWith(fileName + ": "), variant);
            }
        });
}
