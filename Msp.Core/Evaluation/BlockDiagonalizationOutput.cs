using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Msp.Core.IO;

namespace Msp.Core.Evaluation;

/// <summary>Writes an <see cref="SbdResult"/> as sbd.json, sbd_heatmap.png and sbd_loss.png, and prints its summary.</summary>
public static class BlockDiagonalizationOutput
{
    public const string JsonFileName = "sbd.json", HeatmapFileName = "sbd_heatmap.png", LossFileName = "sbd_loss.png";

    public static void Write(string directory, SbdResult result, int sequences, SbdOptions options)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), JsonSerializer.Serialize(new
        {
            sequences,
            epochs = options.Epochs,
            batch_size = options.BatchSize,
            learning_rate = options.LearningRate,
            seed = options.Seed,
            restarts = options.Restarts,
            threshold = result.Threshold,
            blocks = result.Blocks,
            block_sizes = result.BlockSizes,
            order = result.Order,
            loss = result.Losses,
            restart_losses = result.RestartLosses,
            final_loss = result.RestartLosses.Min(),
            change_of_basis = Rows(result.ChangeOfBasis),
            mean_abs = Rows(result.MeanAbs),
            mean_abs_minus_identity = Rows(result.MeanMotion),
        }, new JsonSerializerOptions { WriteIndented = true }));

        // The permuted mean |U⁻¹MU − I|, as the reference notebook shows it: the identity part is near 1 on every
        // diagonal entry and would wash out the couplings that make the blocks.
        var order = result.Order;
        var permuted = new double[order.Length, order.Length];
        for (int r = 0; r < order.Length; r++)
            for (int c = 0; c < order.Length; c++)
                permuted[r, c] = result.MeanMotion[order[r], order[c]];
        var boxes = new List<(int Start, int Length)>();
        int position = 0;
        foreach (var block in result.Blocks)
        {
            if (block.Length > 1)
                boxes.Add((position, block.Length));
            position += block.Length;
        }
        Figures.Heatmap(Path.Combine(directory, HeatmapFileName),
            $"Mean |U⁻¹MU − I| over {sequences} transitions M*, blocks outlined (τ = {result.Threshold.ToString(CultureInfo.InvariantCulture)})",
            permuted, order.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), boxes);
        Figures.Lines(Path.Combine(directory, LossFileName),
            $"Block-diagonalisation loss (best of {options.Restarts} starts)", "epoch", "mean trace norm of the normalised Laplacian",
            Enumerable.Range(1, result.Losses.Length).Select(e => (double)e).ToArray(), [("training loss", result.Losses)]);
    }

    public static void Print(SbdResult result, TextWriter output)
    {
        var blocks = result.NonTrivialBlocks.ToList();
        int trivial = result.Blocks.Count - blocks.Count;
        output.WriteLine(blocks.Count == 0
            ? $"No coordinates couple above τ = {Format(result.Threshold)}: all {trivial} blocks are trivial."
            : $"{blocks.Count} blocks of sizes {string.Join(", ", blocks.Select(b => b.Length))}, and {trivial} trivial (size 1), at τ = {Format(result.Threshold)}:");
        foreach (var block in blocks)
            output.WriteLine($"  [{string.Join(", ", block)}]");
        output.WriteLine($"Final loss {Format(result.RestartLosses.Min())} (starts: {string.Join(", ", result.RestartLosses.Select(Format))}).");
    }

    private static double[][] Rows(Matrix<double> matrix) => matrix.ToRowArrays();

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
