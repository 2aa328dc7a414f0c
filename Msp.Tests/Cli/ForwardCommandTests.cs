using Msp.Core.IO;
using Msp.Tests.Support;

namespace Msp.Tests.Cli;

/// <summary>`msp forward` on the golden files: the command-line route to the reference comparison.</summary>
public sealed class ForwardCommandTests : TempFolderTests
{
    private static string Golden(string file) => Path.Combine(GoldenFiles.Folder, file);

    private static Dictionary<string, NamedArray> Read(string path) => Safetensors.Read(path).Tensors.ToDictionary(t => t.Name);

    [Test]
    public void Writes_the_reference_outputs_and_gradients_under_their_names()
    {
        string output = Path.Combine(Folder, "out.safetensors");
        var (code, printed, error) = CliRunner.Run("forward", "--k", "0.25", "--dim-m", "16", "--dim-a", "8",
            "--checkpoint", Golden("params.safetensors"), "--input", Golden("inputs.safetensors"), "--out", output, "--grads");
        Assert.That(code, Is.Zero, error);
        Assert.That(printed, Does.Contain("loss"));
        var ours = Read(output);
        var expected = Read(Golden("outputs.safetensors"));
        var grads = Read(Golden("grads.safetensors"));
        Assert.Multiple(() =>
        {
            foreach (var name in new[] { "H", "M_star", "H_pred", "x_pred", "loss" })
            {
                Assert.That(ours[name].Shape, Is.EqualTo(expected[name].Shape), name + " shape");
                Assert.That(TensorAssert.RelativeToMax(expected[name].Data, ours[name].Data), Is.LessThan(1e-4), name);
            }
            // The golden parity test checks every gradient; here, that they are all written under the reference names.
            Assert.That(ours.Keys, Is.SupersetOf(grads.Keys));
            Assert.That(TensorAssert.RelativeToMax(grads["enc.linear.weight"].Data, ours["enc.linear.weight"].Data), Is.LessThan(2e-3));
        });
    }

    [Test]
    public void Outputs_and_gradients_are_bit_identical_whatever_the_core_count()
    {
        var written = new List<Dictionary<string, NamedArray>>();
        foreach (string cores in new[] { "1", "3" })
        {
            string output = Path.Combine(Folder, $"cores{cores}.safetensors");
            var start = new System.Diagnostics.ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    typeof(Msp.Cli.Program).Assembly.Location, "forward", "--k", "0.25", "--dim-m", "16", "--dim-a", "8",
                    "--checkpoint", Golden("params.safetensors"), "--input", Golden("inputs.safetensors"), "--out", output, "--grads",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["DOTNET_PROCESSOR_COUNT"] = cores },
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, errors);
            written.Add(Read(output));
        }
        Assert.That(written[1].Keys, Is.EquivalentTo(written[0].Keys));
        Assert.Multiple(() =>
        {
            foreach (var (name, one) in written[0])
                Assert.That(written[1][name].Data, Is.EqualTo(one.Data), $"{name}: 1 core vs 3 cores");
        });
    }

    [Test]
    public void An_input_without_xs_is_a_clear_error()
    {
        string output = Path.Combine(Folder, "out.safetensors");
        var (code, _, error) = CliRunner.Run("forward", "--k", "0.25", "--dim-m", "16", "--dim-a", "8",
            "--checkpoint", Golden("params.safetensors"), "--input", Golden("grads.safetensors"), "--out", output);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("has no tensor 'xs'").And.Not.Contain("   at "));
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void Weights_that_do_not_fit_the_architecture_are_named()
    {
        var (code, _, error) = CliRunner.Run("forward", "--k", "0.5", "--dim-m", "16", "--dim-a", "8",
            "--checkpoint", Golden("params.safetensors"), "--input", Golden("inputs.safetensors"), "--out", Path.Combine(Folder, "o.safetensors"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("params.safetensors").And.Not.Contain("   at "));
    }
}
