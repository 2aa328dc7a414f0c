using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Msp.Kernels;

namespace Msp.Tests.Kernels;

/// <summary>
/// Every ILGPU kernel of Msp.Kernels, found by reflection (a method whose name ends in "Kernel"), compiles to PTX
/// for sm_80 and sm_90 without a GPU, and has a managed SIMD twin. Adding a kernel puts it in both tests.
/// </summary>
public sealed class KernelCatalogTests
{
    private static IEnumerable<MethodInfo> AllKernels() =>
        typeof(KernelCache).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal) && m.ReturnType == typeof(void)
                        && !m.Name.StartsWith('<'))
            .OrderBy(m => m.DeclaringType!.Name).ThenBy(m => m.Name);

    private static IEnumerable<TestCaseData> KernelsAndArchitectures() =>
        from kernel in AllKernels()
        from arch in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 }
        select new TestCaseData(kernel, arch).SetName($"{kernel.DeclaringType!.Name}.{kernel.Name} to PTX {arch}");

    [Test]
    public void The_catalog_is_not_empty() => Assert.That(AllKernels().Count(), Is.GreaterThan(5));

    [TestCaseSource(nameof(KernelsAndArchitectures))]
    public void Compiles_to_ptx(MethodInfo kernel, CudaArchitecture architecture)
    {
        // A failed compile poisons its context (ILGPU.md §3), so every kernel gets a fresh one.
        using var context = Context.Create(builder => builder.Default().EnableAlgorithms());
        using var backend = new PTXBackend(context, architecture, CudaInstructionSet.ISA_80, null!);
        var parameters = kernel.GetParameters();
        bool implicitlyGrouped = parameters.Length > 0 &&
            parameters[0].ParameterType is var t && (t == typeof(Index1D) || t == typeof(Index2D) || t == typeof(Index3D));
        var entry = implicitlyGrouped
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization));
        Assert.That(compiled.PTXAssembly, Does.Contain(".target sm_80").And.Contain(".entry"));
    }

    [TestCaseSource(nameof(AllKernelNames))]
    public void Has_a_simd_twin_and_a_launcher(string kernelName)
    {
        var kernel = AllKernels().Single(k => $"{k.DeclaringType!.Name}.{k.Name}" == kernelName);
        string stem = kernel.Name[..^"Kernel".Length];
        var siblings = kernel.DeclaringType!.GetMethods(BindingFlags.Static | BindingFlags.Public).Where(m => m.Name == stem).ToList();
        bool hasTwin = siblings.Any(m => m.GetParameters().Any(p => p.ParameterType == typeof(Span<float>)) &&
                                         m.GetParameters().All(p => p.ParameterType != typeof(Accelerator)));
        bool hasLauncher = siblings.Any(m => m.GetParameters().FirstOrDefault()?.ParameterType == typeof(Accelerator));
        Assert.Multiple(() =>
        {
            Assert.That(hasTwin, Is.True, $"{kernelName} has no public SIMD twin {stem}(..., Span<float> ...)");
            Assert.That(hasLauncher, Is.True, $"{kernelName} has no public launcher {stem}(Accelerator, ...)");
        });
    }

    private static IEnumerable<string> AllKernelNames() => AllKernels().Select(k => $"{k.DeclaringType!.Name}.{k.Name}");
}
