namespace Msp.Tests.Support;

/// <summary>Base of tests that write files: a fresh temporary folder for each test, removed after it.</summary>
public abstract class TempFolderTests
{
    protected string Folder { get; private set; } = "";

    [SetUp]
    public void MakeFolder() => Folder = Directory.CreateTempSubdirectory($"msp-{GetType().Name}-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(Folder, recursive: true);
}
