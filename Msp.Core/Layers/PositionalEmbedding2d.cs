using Msp.Core.Devices;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// The decoder's learnable 2-D sinusoidal positional embedding (reference utils/emb2d.py): a parameter
/// <c>emb</c> [64, h, w] initialised to the sin/cos table of PositionalEncoding2D and concatenated after the
/// channels of every image.
/// </summary>
public sealed class PositionalEmbedding2d : Module
{
    public const int Channels = 64;

    public PositionalEmbedding2d(IDevice device, int height, int width) : base(device) =>
        Embedding = AddParameter("emb", new Shape(Channels, height, width), SinusoidTable(Channels, height, width));

    public Tensor Embedding { get; }

    /// <summary>[n, c, h, w] → [n, c + 64, h, w].</summary>
    public Tensor Forward(Tensor x) => Layout.Concat([x, Layout.BroadcastBatch(Embedding, x.Shape[0])], axis: 1);

    /// <summary>
    /// The table of positionalencoding2d(d, h, w): the first d/2 channels encode the column (x), the last d/2 the row (y);
    /// within each half, even channels are sin and odd channels cos of position · 10000^(−2i/(d/2)).
    /// </summary>
    public static float[] SinusoidTable(int channels, int height, int width)
    {
        if (channels % 4 != 0)
            throw new ArgumentException($"A 2-D sinusoidal embedding needs channels divisible by 4, got {channels}.");
        int half = channels / 2;
        var table = new float[channels * height * width];
        for (int i = 0; i < half / 2; i++)
        {
            // torch: exp(arange(0, half, 2) * -(ln 10000 / half)), evaluated in float32.
            float frequency = MathF.Exp(2 * i * -(MathF.Log(10000f) / half));
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float px = x * frequency, py = y * frequency;
                    table[((2 * i) * height + y) * width + x] = MathF.Sin(px);
                    table[((2 * i + 1) * height + y) * width + x] = MathF.Cos(px);
                    table[((half + 2 * i) * height + y) * width + x] = MathF.Sin(py);
                    table[((half + 2 * i + 1) * height + y) * width + x] = MathF.Cos(py);
                }
        }
        return table;
    }
}
