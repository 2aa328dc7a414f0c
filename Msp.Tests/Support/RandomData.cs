using Msp.Core.Devices;
using Msp.Core.Tensors;

namespace Msp.Tests.Support;

/// <summary>Seeded random arrays and tensors for tests.</summary>
public static class RandomData
{
    public static float[] Uniform(int count, int seed, float low = -1f, float high = 1f)
    {
        var rng = new Rng((ulong)seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)rng.Uniform(low, high);
        return data;
    }

    /// <summary>Uniform values kept at least <paramref name="gap"/> away from zero, for ops with a kink at 0.</summary>
    public static float[] AwayFromZero(int count, int seed, float gap = 0.05f)
    {
        var data = Uniform(count, seed);
        for (int i = 0; i < data.Length; i++)
            data[i] = MathF.CopySign(gap + MathF.Abs(data[i]), data[i]);
        return data;
    }

    public static Tensor Tensor(IDevice device, int seed, params int[] dims)
    {
        var shape = new Shape(dims);
        return global::Msp.Core.Tensors.Tensor.FromArray(Uniform(shape.Size, seed), shape, device);
    }
}
