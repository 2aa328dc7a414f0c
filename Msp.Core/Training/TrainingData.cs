using Msp.Core.Data;

namespace Msp.Core.Training;

/// <summary>Builds a config's training set and its held-out evaluation set (sequences of eval.T frames).</summary>
public static class TrainingData
{
    /// <summary>
    /// The train and test split of the config's dataset: the digits shipped with Msp (root: embedded) unless
    /// <paramref name="dataRoot"/> or the config's root names a folder of standard MNIST IDX files.
    /// </summary>
    public static (ISequenceDataset Train, ISequenceDataset Test) Create(TrainConfig config, string? dataRoot)
    {
        var data = config.TrainData;
        var train = MnistConfig(data, data.Frames);
        var test = MnistConfig(data, config.Eval.ConditioningFrames + config.Eval.Horizon);
        string root = dataRoot ?? data.Root;
        if (root == DataConfig.EmbeddedRoot)
            return (SequentialMnist.FromEmbedded(train, DatasetSplit.Train), SequentialMnist.FromEmbedded(test, DatasetSplit.Test));
        if (!Directory.Exists(root))
            throw new ConfigException($"{config.Source}: the data folder '{root}' does not exist. Use root: {DataConfig.EmbeddedRoot} (the digits shipped with Msp) or point --data-root at a folder with MNIST IDX files.");
        return (new SequentialMnist(train, MnistDigits.Load(root, DatasetSplit.Train)), new SequentialMnist(test, MnistDigits.Load(root, DatasetSplit.Test)));
    }

    private static SequentialMnistConfig MnistConfig(DataConfig data, int frames) => new()
    {
        FrameCount = frames,
        MaxFrameCount = data.MaxFrames,
        AngleVelocityRatio = new Interval(data.AngleVelocity.Low, data.AngleVelocity.High),
        AngleAccelerationRatio = new Interval(data.AngleAcceleration.Low, data.AngleAcceleration.High),
        ColorVelocityRatio = new Interval(data.ColorVelocity.Low, data.ColorVelocity.High),
        ColorAccelerationRatio = new Interval(data.ColorAcceleration.Low, data.ColorAcceleration.High),
        Position = new Interval(data.Position.Low, data.Position.High),
        TranslationAcceleration = new Interval(data.TranslationAcceleration.Low, data.TranslationAcceleration.High),
        ActiveActions = data.ActiveActions.Aggregate(SequenceActions.None, (set, action) => set | action switch
        {
            0 => SequenceActions.Rotation,
            1 => SequenceActions.Color,
            2 => SequenceActions.Translation,
            _ => throw new ConfigException($"train_data.args.active_actions: {action} is not an action of Sequential MNIST (0 rotation, 1 colour, 2 translation)."),
        }),
        OnlyUseDigit4 = data.OnlyDigit4,
    };
}
