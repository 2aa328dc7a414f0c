using Msp.Core.Data;
using Msp.Core.Data.Rendering;

namespace Msp.Core.Training;

/// <summary>Builds a config's training set and its held-out evaluation set (sequences of eval.T frames).</summary>
public static class TrainingData
{
    /// <summary>
    /// The train and test split of the config's dataset. root: embedded (or no --data-root) selects what ships with
    /// Msp: the MNIST digits, or the rendered 3DShapes and SmallNORB stand-ins. Otherwise <paramref name="dataRoot"/>
    /// or the config's root names the real files: a folder of MNIST IDX files, 3dshapes.h5 (or a folder holding it),
    /// or a folder of the SmallNORB .mat files.
    /// </summary>
    public static (ISequenceDataset Train, ISequenceDataset Test) Create(TrainConfig config, string? dataRoot)
    {
        var data = config.TrainData;
        int testFrames = config.Eval.ConditioningFrames + config.Eval.Horizon;
        string root = dataRoot ?? data.Root;
        return data.Kind switch
        {
            DatasetKind.ThreeDimShapes => ThreeDimShapesSplits(config, root, testFrames),
            DatasetKind.SmallNorb => SmallNorbSplits(config, root, testFrames),
            _ => SequentialMnistSplits(config, root, testFrames),
        };
    }

    /// <summary>The factors a model trained on <paramref name="data"/> sees move, with their action index (what
    /// active_actions lists): the ones the disentanglement analysis varies one at a time.</summary>
    public static IReadOnlyList<(string Name, int Action)> MovingFactors(DataConfig data) => data.Kind switch
    {
        DatasetKind.ThreeDimShapes => data.ActiveActions.Select(f => (ThreeDimShapes.Grid.Names[f], f)).ToArray(),
        DatasetKind.SmallNorb => data.ActiveActions.Select(f => (SmallNorb.Grid.Names[f], f)).ToArray(),
        _ => SequentialMnist.Factors,
    };

    private static (ISequenceDataset, ISequenceDataset) SequentialMnistSplits(TrainConfig config, string root, int testFrames)
    {
        var data = config.TrainData;
        var train = MnistConfig(data, data.Frames);
        var test = MnistConfig(data, testFrames);
        (MnistBackgrounds Train, MnistBackgrounds Test)? backgrounds = data.Background ? MnistBackgrounds.Create(data.BackgroundImages) : null;
        if (root == DataConfig.EmbeddedRoot)
            return (SequentialMnist.FromEmbedded(train, DatasetSplit.Train, backgrounds?.Train),
                SequentialMnist.FromEmbedded(test, DatasetSplit.Test, backgrounds?.Test));
        if (!Directory.Exists(root))
            throw new ConfigException($"{config.Source}: the data folder '{root}' does not exist. Use root: {DataConfig.EmbeddedRoot} (the digits shipped with Msp) or point --data-root at a folder with MNIST IDX files.");
        return (new SequentialMnist(train, MnistDigits.Load(root, DatasetSplit.Train), backgrounds?.Train),
            new SequentialMnist(test, MnistDigits.Load(root, DatasetSplit.Test), backgrounds?.Test));
    }

    private static (ISequenceDataset, ISequenceDataset) ThreeDimShapesSplits(TrainConfig config, string root, int testFrames)
    {
        var data = config.TrainData;
        CheckTestFrames(config, testFrames, ThreeDimShapes.MaxFrames);
        var images = FactorImages(config, root, DatasetSplit.Train);
        var active = data.ActiveActions.ToHashSet();
        return (ThreeDimShapes.Sequences(images, DatasetSplit.Train, data.Frames, active),
            ThreeDimShapes.Evaluation(images, testFrames, active));
    }

    private static (ISequenceDataset, ISequenceDataset) SmallNorbSplits(TrainConfig config, string root, int testFrames)
    {
        var data = config.TrainData;
        CheckTestFrames(config, testFrames, SmallNorb.MaxFrames);
        var active = data.ActiveActions.ToHashSet();
        return (SmallNorb.Sequences(FactorImages(config, root, DatasetSplit.Train), DatasetSplit.Train, data.Frames, active),
            SmallNorb.Sequences(FactorImages(config, root, DatasetSplit.Test), DatasetSplit.Test, testFrames, active));
    }

    /// <summary>
    /// The images of a 3DShapes or SmallNORB config at its image_size: the rendered stand-in for root embedded, else
    /// the real files under <paramref name="root"/> (3DShapes keeps both splits in one file; SmallNORB has a file set
    /// per split).
    /// </summary>
    public static IFactorImages FactorImages(TrainConfig config, string root, DatasetSplit split)
    {
        var data = config.TrainData;
        if (data.Kind == DatasetKind.ThreeDimShapes)
        {
            if (root == DataConfig.EmbeddedRoot)
                return new ShapesStandIn(data.ImageSize);
            string file = Directory.Exists(root) ? Path.Combine(root, ThreeDimShapesFile.FileName) : root;
            if (!File.Exists(file))
                throw new ConfigException($"{config.Source}: no 3DShapes file at '{file}'. Give --data-root the path of DeepMind's {ThreeDimShapesFile.FileName} (or its folder), or use root: {DataConfig.EmbeddedRoot} for the rendered stand-in.");
            return DownsampledImages.To(ThreeDimShapesFile.Open(file), data.ImageSize);
        }
        if (data.Kind != DatasetKind.SmallNorb)
            throw new ConfigException($"{config.Source}: {data.Name} is not a data set of factor-indexed images (3DShapes, SmallNORB).");
        if (root == DataConfig.EmbeddedRoot)
            return new NorbStandIn(split, data.ImageSize);
        if (!Directory.Exists(root))
            throw new ConfigException($"{config.Source}: the SmallNORB folder '{root}' does not exist. Give --data-root a folder with NYU's .mat files ({SmallNorbFiles.FilePrefix(split)}-dat.mat, ...), or use root: {DataConfig.EmbeddedRoot} for the rendered stand-in.");
        return DownsampledImages.To(SmallNorbFiles.Open(root, split), data.ImageSize);
    }

    private static void CheckTestFrames(TrainConfig config, int testFrames, int maxFrames)
    {
        if (testFrames > maxFrames)
            throw new ConfigException($"{config.Source}: eval.T is {testFrames}, but {config.TrainData.Name} sequences have at most {maxFrames} frames; set eval.T to at most {maxFrames}.");
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
