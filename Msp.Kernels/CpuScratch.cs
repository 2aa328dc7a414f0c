using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Msp.Kernels;

/// <summary>What a scratch buffer is used for; each thread has one buffer per slot.</summary>
internal enum ScratchSlot
{
    PackedA,
    PackedB,
    Columns,
    Product,
    Weights,
}

/// <summary>
/// Per-thread pinned scratch memory for the CPU kernels (packed GEMM panels, im2col columns), so a steady training
/// step allocates nothing: each slot grows to the largest request it has seen and keeps that buffer.
/// </summary>
internal static unsafe class CpuScratch
{
    private const int AlignmentFloats = 16;   // 64 bytes: one cache line, so vector loads never straddle two

    [ThreadStatic]
    private static float[]?[]? _buffers;

    /// <summary>A 64-byte aligned pointer to at least <paramref name="length"/> floats with undefined contents, private
    /// to the calling thread. It stays valid until this thread asks for the same slot again.</summary>
    public static float* Get(ScratchSlot slot, long length)
    {
        var buffers = _buffers ??= new float[]?[Enum.GetValues<ScratchSlot>().Length];
        var buffer = buffers[(int)slot];
        if (buffer is null || buffer.LongLength < length + AlignmentFloats)
        {
            // Pinned arrays live on the pinned object heap and never move, so the raw pointer stays valid.
            buffer = GC.AllocateUninitializedArray<float>(checked((int)(length + AlignmentFloats)), pinned: true);
            buffers[(int)slot] = buffer;
        }
        var start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)start + 63) & ~(nint)63);
    }
}
