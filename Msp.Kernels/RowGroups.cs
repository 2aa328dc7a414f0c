using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>
/// The layout of every reducing ILGPU kernel (group norm, weight standardisation, sums): one group of
/// <see cref="Size"/> threads per row. The threads stride over the row (coalesced reads), then combine their partial
/// sums in ILGPU's fixed tree, so a result repeats bit for bit from run to run; float atomics would not.
/// </summary>
internal static class RowGroups
{
    /// <summary>Threads per row: one warp, as llm.c's layernorm kernels use for rows of a few thousand floats. Four
    /// warps ran the group-norm device tests 4× slower on the ILGPU CPU simulator, where every barrier costs milliseconds.</summary>
    public const int Size = 32;

    /// <summary>Launch configuration with one group per row.</summary>
    public static KernelConfig Config(int rows) => new(rows, Size);

    /// <summary>The sum of every thread's <paramref name="partial"/>, handed to all threads of the group.
    /// Every thread of the group must call it (it holds barriers).</summary>
    public static float Sum(float partial) => GroupExtensions.AllReduce<float, AddFloat>(partial);
}
