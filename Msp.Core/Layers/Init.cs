using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// Parameter initialisers with PyTorch's formulas (the distributions match; the random streams are our own
/// <see cref="Rng"/>, so a seed reproduces Msp runs, not PyTorch's numbers).
/// </summary>
public static class Init
{
    /// <summary>
    /// PyTorch's Conv2d/Linear weight default, kaiming_uniform_(a = √5): gain √(2/(1+a²)) = √(1/3), bound
    /// gain·√(3/fan_in) = 1/√fan_in. fan_in is the product of all dimensions but the first.
    /// </summary>
    public static float[] KaimingUniformDefault(Rng rng, Shape shape)
    {
        int fanIn = shape.SizeOf(1, shape.Rank);
        return Uniform(rng, shape.Size, 1.0 / Math.Sqrt(fanIn));
    }

    /// <summary>PyTorch's bias default for Conv2d/Linear: U(−1/√fan_in, 1/√fan_in).</summary>
    public static float[] BiasDefault(Rng rng, int count, int fanIn) => Uniform(rng, count, 1.0 / Math.Sqrt(fanIn));

    /// <summary>xavier_uniform_(gain): U(±gain·√(6/(fan_in + fan_out))), fan_in = shape[1]·receptive, fan_out = shape[0]·receptive.</summary>
    public static float[] XavierUniform(Rng rng, Shape shape, float gain)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"xavier_uniform needs a weight of rank ≥ 2, got {shape}.");
        int receptive = shape.SizeOf(2, shape.Rank);
        int fanIn = shape[1] * receptive, fanOut = shape[0] * receptive;
        return Uniform(rng, shape.Size, gain * Math.Sqrt(6.0 / (fanIn + fanOut)));
    }

    /// <summary>A weight of <paramref name="shape"/> [out, in, ...] drawn as <paramref name="init"/> says.</summary>
    public static float[] Weight(WeightInit init, Rng rng, Shape shape) => init switch
    {
        WeightInit.PyTorchDefault => KaimingUniformDefault(rng, shape),
        WeightInit.XavierRelu => XavierUniform(rng, shape, MathF.Sqrt(2f)),
        WeightInit.XavierLinear => XavierUniform(rng, shape, 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(init)),
    };

    public static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    public static float[] Zeros(int count) => new float[count];

    /// <summary>count draws of U(−bound, bound).</summary>
    public static float[] Uniform(Rng rng, int count, double bound)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)rng.Uniform(-bound, bound);
        return values;
    }
}
