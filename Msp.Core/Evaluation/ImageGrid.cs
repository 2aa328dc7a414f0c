using System.Runtime.InteropServices;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.IO;
using Msp.Core.Models;
using Msp.Core.Tensors;
using SkiaSharp;

namespace Msp.Core.Evaluation;

/// <summary>
/// Frames laid out as a PNG grid of RGB tiles on white, and the reference's picture of a prediction (save_images in
/// equivariance_error.ipynb): per sequence one row of ground truth, one of the prediction with its own M*, one with a
/// swapped M*, columns aligned by time. The reference stacks the same rows bottom-up (swapped first); here they read
/// top-down from the data. Pixels at native size, as make_grid leaves them: this is for eyes, not plots.
/// </summary>
public static class ImageGrid
{
    /// <summary>White pixels between tiles and around the grid (torchvision's make_grid default padding).</summary>
    public const int Gap = 2;

    /// <summary>Pixel size of a grid of <paramref name="rows"/> × <paramref name="columns"/> tiles of side <paramref name="side"/>.</summary>
    public static (int Width, int Height) Size(int rows, int columns, int side) =>
        (columns * side + (columns + 1) * Gap, rows * side + (rows + 1) * Gap);

    /// <summary>
    /// RGBA bytes [height, width, 4] of <paramref name="tiles"/>[row][column], each a frame [3, side, side] in [0, 1]
    /// (clamped: a decoder may overshoot) or null for a white cell.
    /// </summary>
    public static byte[] Compose(IReadOnlyList<IReadOnlyList<float[]?>> tiles, int side)
    {
        int rows = tiles.Count, columns = tiles.Max(row => row.Count);
        var (width, height) = Size(rows, columns, side);
        var pixels = new byte[width * height * 4];
        Array.Fill(pixels, (byte)255);
        int plane = side * side;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < tiles[r].Count; c++)
            {
                var frame = tiles[r][c];
                if (frame is null)
                    continue;
                if (frame.Length != 3 * plane)
                    throw new ArgumentException($"Tile ({r}, {c}) holds {frame.Length} floats; a tile is an RGB frame [3, {side}, {side}] = {3 * plane}.");
                int left = Gap + c * (side + Gap), top = Gap + r * (side + Gap);
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++)
                    {
                        int offset = ((top + y) * width + left + x) * 4;
                        for (int channel = 0; channel < 3; channel++)
                            pixels[offset + channel] = (byte)MathF.Round(255 * Math.Clamp(frame[channel * plane + y * side + x], 0f, 1f));
                    }
            }
        return pixels;
    }

    /// <summary>Writes <see cref="Compose"/>'s grid as a PNG (atomically).</summary>
    public static void WritePng(string path, IReadOnlyList<IReadOnlyList<float[]?>> tiles, int side)
    {
        var (width, height) = Size(tiles.Count, tiles.Max(row => row.Count), side);
        var pixels = Compose(tiles, side);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
                         ?? throw new InvalidOperationException($"SkiaSharp could not encode the {width}×{height} grid for {path} as PNG.");
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }

    /// <summary>A frame [channels, side, side] as RGB: grey (one channel) repeated in red, green and blue.</summary>
    public static float[] AsRgb(float[] frame, int channels) => channels == 3 ? frame : [.. frame, .. frame, .. frame];

    /// <summary>
    /// The rows of one sequence: its T frames (conditioning, then the ground-truth future), then white under the
    /// conditioning frames followed by the predicted future, once with its own M* and once with the swapped M*. Frames
    /// are [T, frameSize] and [T − conditioningFrames, frameSize] flat.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<float[]?>> SequenceRows(ReadOnlySpan<float> truth, ReadOnlySpan<float> predicted,
        ReadOnlySpan<float> swapped, int conditioningFrames, int frameSize)
    {
        int frames = truth.Length / frameSize, rolls = predicted.Length / frameSize;
        if (frames != conditioningFrames + rolls || swapped.Length != predicted.Length)
            throw new ArgumentException($"A sequence of {frames} frames needs {frames - conditioningFrames} predicted frames after {conditioningFrames} conditioning ones, got {rolls} and {swapped.Length / frameSize}.");
        var truthRow = new float[]?[frames];
        var predictedRow = new float[]?[frames];
        var swappedRow = new float[]?[frames];
        for (int t = 0; t < frames; t++)
        {
            truthRow[t] = truth.Slice(t * frameSize, frameSize).ToArray();
            if (t >= conditioningFrames)
            {
                predictedRow[t] = predicted.Slice((t - conditioningFrames) * frameSize, frameSize).ToArray();
                swappedRow[t] = swapped.Slice((t - conditioningFrames) * frameSize, frameSize).ToArray();
            }
        }
        return [truthRow, predictedRow, swappedRow];
    }

    /// <summary>
    /// Predicts one batch of <paramref name="count"/> held-out sequences of <paramref name="sharedData"/> (which move
    /// by one shared transition, so the swapped M* belongs to a sequence that moves the same way) and writes
    /// sequence_{i}.png per sequence into <paramref name="folder"/>. Returns the paths.
    /// </summary>
    public static string[] WriteSequences(SeqAe model, ISharedTransitionDataset sharedData, int conditioningFrames, int count, ulong seed, IDevice device, string folder)
    {
        if (count < 2)
            throw new ArgumentException($"Generating needs at least 2 sequences, so that each can be predicted with another's M*; got {count}.");
        var items = Enumerable.Range(0, count).Select(i => i % sharedData.Count).ToArray();
        EquivarianceEvaluation.CheckSharedTransition(sharedData, items, seed, 0);
        int channels = sharedData.Channels, frameSize = channels * sharedData.Height * sharedData.Width, sequenceSize = sharedData.Frames * frameSize;
        var batch = new float[count * sequenceSize];
        sharedData.FillBatch(items, seed, 0, batch);
        float[] predicted, swapped;
        using (new TensorScope())
        {
            var xs = Tensor.FromArray(batch, new Shape(count, sharedData.Frames, channels, sharedData.Height, sharedData.Width), device);
            (_, _, predicted, swapped) = SequenceErrors.Equivariance(model, xs, conditioningFrames);
        }
        int rolls = sharedData.Frames - conditioningFrames;
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            var rows = SequenceRows(batch.AsSpan(i * sequenceSize, sequenceSize),
                predicted.AsSpan(i * rolls * frameSize, rolls * frameSize), swapped.AsSpan(i * rolls * frameSize, rolls * frameSize),
                conditioningFrames, frameSize);
            paths[i] = Path.Combine(folder, $"sequence_{i}.png");
            WritePng(paths[i], rows.Select(row => (IReadOnlyList<float[]?>)row.Select(tile => tile is null ? null : AsRgb(tile, channels)).ToArray()).ToList(), sharedData.Height);
        }
        return paths;
    }
}
