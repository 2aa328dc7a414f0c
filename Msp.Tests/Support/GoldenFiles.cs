namespace Msp.Tests.Support;

/// <summary>Where the reference forward/backward of the original PyTorch architecture lives (see its README).</summary>
public static class GoldenFiles
{
    /// <summary>The golden folder shipped in the repo (Msp.Tests/Golden), copied next to the test assembly.</summary>
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Golden");
}
