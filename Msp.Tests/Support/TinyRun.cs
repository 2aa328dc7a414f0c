using Msp.Core.Training;

namespace Msp.Tests.Support;

/// <summary>A run folder as `msp train` leaves it (config.yml, model.safetensors), from one step of the tiny config.</summary>
public static class TinyRun
{
    public static void Create(string folder) => Create(folder, ModelKind.LeastSquares);

    /// <summary>The same for the tiny config of <paramref name="kind"/> (<see cref="ConfigText"/>), after <paramref name="steps"/> steps.</summary>
    public static void Create(string folder, ModelKind kind, int steps = 1)
    {
        var config = ConfigReader.Parse(ConfigText(kind), $"tiny {kind} config") with { Text = ConfigText(kind) };
        using var trainer = new Trainer(config, TestDevices.Cpu, TrainingData.Create(config, dataRoot: null).Train);
        RunDirectory.Prepare(folder, config.Text, resume: false);
        for (int i = 0; i < steps; i++)
            trainer.TrainStep();
        trainer.SaveCheckpoint(folder);
    }

    /// <summary>
    /// The built-in tiny config with the model class of <paramref name="kind"/>: 2 blocks for the fixed-block model,
    /// and for the second order 4 conditioning frames (the fewest it can fit) of 5; Neural M* and the neural transition
    /// train on reconstruction and prediction, as their reference configs do.
    /// </summary>
    public static string ConfigText(ModelKind kind)
    {
        string text = ConfigLibrary.ReadText("tiny").Text;
        string name = ModelConfig.KindsByReferenceClass.Single(entry => entry.Value == kind).Key;
        text = text.Replace("name: SeqAELSTSQ", $"name: {name}", StringComparison.Ordinal);
        return kind switch
        {
            ModelKind.FixedBlocks => text.Replace("    k: 0.125\n", "    k: 0.125\n    K: 2\n", StringComparison.Ordinal),
            ModelKind.HigherOrder => text.Replace("T_cond: 2\n", "T_cond: 4\n", StringComparison.Ordinal)
                .Replace("    T: 3\n", "    T: 5\n", StringComparison.Ordinal).Replace("  T: 4\n", "  T: 6\n", StringComparison.Ordinal),
            ModelKind.NeuralM or ModelKind.NeuralTransition => text.Replace("    lr_decay_iter: 4\n", "    lr_decay_iter: 4\n    reconst_iter: 6\n", StringComparison.Ordinal),
            _ => text,
        };
    }
}
