using Msp.Core.Evaluation;
using SkiaSharp;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Evaluation;

public sealed class ImageGridTests : TempFolderTests
{
    private const int Side = 5;

    [Test]
    public void A_grid_of_rows_by_columns_tiles_has_its_tiles_where_they_belong_and_white_between()
    {
        const int rows = 3, columns = 4;
        // Tile (r, c) is a flat colour that encodes its place; (1, 0) is an empty cell.
        var tiles = Enumerable.Range(0, rows).Select(r => (IReadOnlyList<float[]?>)Enumerable.Range(0, columns)
            .Select(c => r == 1 && c == 0 ? null : Flat(r / 4f, c / 4f, 0.5f)).ToArray()).ToArray();
        string path = Path.Combine(Folder, "grid.png");
        ImageGrid.WritePng(path, tiles, Side);

        using var image = SKBitmap.Decode(path);
        Assert.That((image.Width, image.Height), Is.EqualTo((columns * Side + (columns + 1) * ImageGrid.Gap, rows * Side + (rows + 1) * ImageGrid.Gap)));
        Assert.That(ImageGrid.Size(rows, columns, Side), Is.EqualTo((image.Width, image.Height)));
        Assert.Multiple(() =>
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                {
                    int left = ImageGrid.Gap + c * (Side + ImageGrid.Gap), top = ImageGrid.Gap + r * (Side + ImageGrid.Gap);
                    var expected = r == 1 && c == 0 ? SKColors.White : new SKColor(Byte[r], Byte[c], 128);
                    Assert.That(image.GetPixel(left, top), Is.EqualTo(expected), $"tile ({r}, {c}) top left");
                    Assert.That(image.GetPixel(left + Side - 1, top + Side - 1), Is.EqualTo(expected), $"tile ({r}, {c}) bottom right");
                    Assert.That(image.GetPixel(left - 1, top), Is.EqualTo(SKColors.White), $"gap left of ({r}, {c})");
                    Assert.That(image.GetPixel(left, top + Side), Is.EqualTo(SKColors.White), $"gap below ({r}, {c})");
                }
        });
    }

    [Test]
    public void Pixels_keep_their_place_and_values_are_clamped()
    {
        var frame = new float[3 * Side * Side];
        frame[0 * Side * Side + 1 * Side + 3] = 1f;   // red at (x 3, y 1)
        frame[2 * Side * Side + 4 * Side + 0] = 2f;   // blue at (x 0, y 4), overshooting
        frame[1 * Side * Side + 0] = -1f;             // green below 0 at (0, 0)
        var pixels = ImageGrid.Compose([[frame]], Side);
        var (width, _) = ImageGrid.Size(1, 1, Side);
        byte[] At(int x, int y) => pixels.AsSpan(((ImageGrid.Gap + y) * width + ImageGrid.Gap + x) * 4, 4).ToArray();
        Assert.That(At(3, 1), Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
        Assert.That(At(0, 4), Is.EqualTo(new byte[] { 0, 0, 255, 255 }));
        Assert.That(At(0, 0), Is.EqualTo(new byte[] { 0, 0, 0, 255 }));
    }

    [Test]
    public void A_sequence_shows_truth_then_both_predictions_under_the_future_frames()
    {
        const int frameSize = 3 * Side * Side, conditioning = 2, frames = 5;
        float[] Frames(int count, float offset) => Enumerable.Range(0, count).SelectMany(t => Enumerable.Repeat(offset + t, frameSize)).ToArray();
        var rows = ImageGrid.SequenceRows(Frames(frames, 0), Frames(frames - conditioning, 10), Frames(frames - conditioning, 20), conditioning, frameSize);

        Assert.That(rows.Select(row => row.Count), Is.EqualTo(new[] { frames, frames, frames }));
        Assert.That(rows[0].Select(tile => tile![0]), Is.EqualTo(new float[] { 0, 1, 2, 3, 4 }), "ground truth: conditioning, then future");
        Assert.That(rows[1].Take(conditioning), Is.All.Null, "nothing is predicted under the conditioning frames");
        Assert.That(rows[1].Skip(conditioning).Select(tile => tile![0]), Is.EqualTo(new float[] { 10, 11, 12 }), "own M*");
        Assert.That(rows[2].Take(conditioning), Is.All.Null);
        Assert.That(rows[2].Skip(conditioning).Select(tile => tile![0]), Is.EqualTo(new float[] { 20, 21, 22 }), "swapped M*");
        Assert.That(() => ImageGrid.SequenceRows(Frames(frames, 0), Frames(2, 10), Frames(2, 20), conditioning, frameSize),
            Throws.ArgumentException.With.Message.Contains("needs 3 predicted frames"));
    }

    /// <summary>255 · k/4 rounded: the bytes of the tile colours above (0.5 → 127.5 rounds to even, 128).</summary>
    private static readonly byte[] Byte = [0, 64, 128, 191];

    private static float[] Flat(float red, float green, float blue) =>
        [.. Enumerable.Repeat(red, Side * Side), .. Enumerable.Repeat(green, Side * Side), .. Enumerable.Repeat(blue, Side * Side)];
}
