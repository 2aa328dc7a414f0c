using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Msp.Core.Data;
using Msp.Core.Devices;
using Msp.Core.Models;

namespace Msp.Core.Evaluation;

/// <summary>
/// Which blocks of the block-diagonalised transitions each factor of variation moves: for each factor, the motion
/// U⁻¹M*U − I of sequences in which only that factor changes, split by block (<see cref="Energy"/>, [factor, block]), as
/// a fraction of all its motion including what falls outside every block (<see cref="Fraction"/>). A disentangled
/// representation puts each factor's motion in a block of its own.
/// </summary>
public sealed record DisentanglementReport(string[] Factors, IReadOnlyList<int[]> Blocks, double[,] Energy, double[,] Fraction)
{
    /// <summary>Per factor, the block that carries most of its motion.</summary>
    public int[] BestBlock => Enumerable.Range(0, Factors.Length)
        .Select(f => Enumerable.Range(0, Blocks.Count).MaxBy(b => Fraction[f, b])).ToArray();

    /// <summary>Per factor, the fraction of its motion captured by its best block (1 = all of it in one block).</summary>
    public double[] Score => Enumerable.Range(0, Factors.Length).Select(f => Fraction[f, BestBlock[f]]).ToArray();

    /// <summary>Whether the factors' best blocks are all different: each factor has a block of its own.</summary>
    public bool Separates => BestBlock.Distinct().Count() == Factors.Length;

    public static string BlockLabel(int[] block) => "{" + string.Join(",", block) + "}";

    public string ToJson() => JsonSerializer.Serialize(new
    {
        factors = Factors,
        blocks = Blocks,
        fraction = Rows(Fraction),
        energy = Rows(Energy),
        best_block = BestBlock,
        score = Score,
        separates = Separates,
    }, new JsonSerializerOptions { WriteIndented = true });

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine("Share of each factor's motion per block (the rest falls between blocks):");
        text.AppendLine("factor       " + string.Join(" ", Blocks.Select(b => BlockLabel(b).PadLeft(12))));
        for (int f = 0; f < Factors.Length; f++)
            text.AppendLine(Factors[f].PadRight(12) + " " + string.Join(" ", Enumerable.Range(0, Blocks.Count)
                .Select(b => (100 * Fraction[f, b]).ToString("F0", CultureInfo.InvariantCulture).PadLeft(11) + "%")));
        text.Append(string.Join("; ", Factors.Select((name, f) => string.Create(CultureInfo.InvariantCulture,
            $"{name}: {100 * Score[f]:F0}% in {BlockLabel(Blocks[BestBlock[f]])}"))));
        text.Append(Separates ? ". Every factor has a block of its own." : ". Some factors share their main block.");
        return text.ToString();
    }

    private static double[][] Rows(double[,] values) =>
        Enumerable.Range(0, values.GetLength(0)).Select(r => Enumerable.Range(0, values.GetLength(1)).Select(c => values[r, c]).ToArray()).ToArray();
}

public static class Disentanglement
{
    /// <summary>
    /// The report for the data set's <paramref name="factors"/> (name and action index): <paramref name="sequences"/>
    /// held-out sequences per factor, drawn from <paramref name="dataWithOnly"/>(action) (the factor alone moving),
    /// their M* seen through <paramref name="sbd"/>'s U.
    /// </summary>
    public static DisentanglementReport Run(SeqAe model, SbdResult sbd, IReadOnlyList<(string Name, int Action)> factors,
        Func<int, ISequenceDataset> dataWithOnly, int sequences, int batchSize, ulong seed, IDevice device)
    {
        var transitions = factors.Select(factor => (factor.Name, (IReadOnlyList<Matrix<double>>)TransitionSamples.Collect(
            model, dataWithOnly(factor.Action), sequences, batchSize, seed + (ulong)factor.Action, device))).ToList();
        return Measure(sbd.ChangeOfBasis, sbd.Blocks, transitions);
    }

    /// <summary>
    /// The factor × block report from the change of basis U and blocks of a block diagonalisation and, per factor, the
    /// transitions of sequences in which only that factor varies.
    /// </summary>
    public static DisentanglementReport Measure(Matrix<double> changeOfBasis, IReadOnlyList<int[]> blocks,
        IReadOnlyList<(string Name, IReadOnlyList<Matrix<double>> Transitions)> factors)
    {
        int d = changeOfBasis.RowCount;
        if (changeOfBasis.ColumnCount != d || blocks.Sum(b => b.Length) != d || blocks.SelectMany(b => b).Distinct().Count() != d)
            throw new ArgumentException($"Disentanglement: the blocks must partition the {d} coordinates of a square change of basis.");
        var inverse = changeOfBasis.Inverse();
        var identity = Matrix<double>.Build.DenseIdentity(d);
        var energy = new double[factors.Count, blocks.Count];
        var fraction = new double[factors.Count, blocks.Count];
        for (int f = 0; f < factors.Count; f++)
        {
            var transitions = factors[f].Transitions;
            if (transitions.Count == 0)
                throw new ArgumentException($"Disentanglement: factor '{factors[f].Name}' has no transitions.");
            double total = 0;
            foreach (var m in transitions)
            {
                var motion = inverse * m * changeOfBasis - identity;
                total += motion.PointwisePower(2).Enumerate().Sum();
                for (int b = 0; b < blocks.Count; b++)
                    foreach (int i in blocks[b])
                        foreach (int j in blocks[b])
                            energy[f, b] += motion[i, j] * motion[i, j];
            }
            for (int b = 0; b < blocks.Count; b++)
            {
                fraction[f, b] = total > 0 ? energy[f, b] / total : 0;
                energy[f, b] /= transitions.Count;
            }
        }
        return new DisentanglementReport(factors.Select(x => x.Name).ToArray(), blocks, energy, fraction);
    }

    public const string JsonFileName = "disentanglement.json", FigureFileName = "disentanglement.png";

    public static void Write(string directory, DisentanglementReport report)
    {
        IO.AtomicFile.WriteAllText(Path.Combine(directory, JsonFileName), report.ToJson());
        Figures.Heatmap(Path.Combine(directory, FigureFileName),
            "Share of each factor's motion |U⁻¹MU − I|² per block", report.Fraction, report.Factors,
            report.Blocks.Select(DisentanglementReport.BlockLabel).ToArray(), []);
    }
}
