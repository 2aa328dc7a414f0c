using Msp.Core.Data;
using Msp.Core.Models;

namespace Msp.Core.Training;

/// <summary>
/// Parses a YAML config with the reference's keys into a <see cref="TrainConfig"/>. Every key is either used, or
/// explicitly accepted as meaningless here (named below with the reason), or rejected by name.
/// </summary>
public static class ConfigReader
{
    private const string Hint = "Msp configs use the reference's keys (see configs in the README); remove or fix it.";

    public static TrainConfig Parse(string text, string source)
    {
        var root = YamlConfigNode.Parse(text, source);
        // Reference keys with no meaning in Msp: num_workers (data is generated on all cores), T_pred (implied by
        // T − T_cond; checked below).
        root.Ignore("num_workers");
        int conditioning = root.Int("T_cond");
        int? predicted = root.Has("T_pred") ? root.Int("T_pred") : null;

        var data = ParseData(root.Child("train_data"));
        var model = FitToData(ParseModel(root.Child("model"), conditioning), data, source);
        var loop = root.Child("training_loop");
        loop.Ignore("fn");
        string loopName = loop.String("name", "loop_seqmodel");
        if (loopName != "loop_seqmodel")
            throw new ConfigException($"{source}: training_loop.name '{loopName}' is not supported; Msp implements loop_seqmodel.");
        var loopArgs = loop.Child("args");
        int decay = loopArgs.Int("lr_decay_iter");
        int reconstruction = loopArgs.Int("reconst_iter", 0);
        if (reconstruction > 0 && model.Kind == ModelKind.HigherOrder)
            throw new ConfigException($"{source}: training_loop.args.reconst_iter must be 0 for SeqAEHOLSTSQ (the reference's loss raises NotImplementedError for reconstruction).");
        loopArgs.RejectUnknownKeys(Hint);
        loop.RejectUnknownKeys(Hint);

        if (predicted is int p && model.Predictive && conditioning + p != data.Frames)
            throw new ConfigException($"{source}: T_cond ({conditioning}) + T_pred ({p}) must equal train_data.args.T ({data.Frames}).");
        if (conditioning < 2 || conditioning > data.Frames)
            throw new ConfigException($"{source}: T_cond must be between 2 and train_data.args.T = {data.Frames}, got {conditioning}.");

        int batch = Positive(root, "batchsize");
        int maxIteration = Positive(root, "max_iteration");
        var evalNode = root.OptionalChild("eval");
        var eval = new EvalConfig(
            Sequences: 0,
            ConditioningFrames: evalNode?.Int("T_cond", conditioning) ?? conditioning,
            Horizon: (evalNode?.Int("T", 10) ?? 10) - (evalNode?.Int("T_cond", conditioning) ?? conditioning),
            BatchSize: evalNode?.Int("batchsize", batch) ?? batch);
        evalNode?.RejectUnknownKeys("eval takes T, T_cond and batchsize.");
        if (eval.Horizon < 1)
            throw new ConfigException($"{source}: eval.T must exceed eval.T_cond.");

        var config = new TrainConfig(
            Source: source,
            BatchSize: batch,
            Seed: root.Int("seed", 1),
            MaxIteration: maxIteration,
            ReportFrequency: Positive(root, "report_freq", 1000),
            ModelSnapshotFrequency: Positive(root, "model_snapshot_freq", 10000),
            CheckpointFrequency: Positive(root, "manager_snapshot_freq", 50000),
            ConditioningFrames: conditioning,
            LearningRate: root.Double("lr"),
            LearningRateDecayStep: decay,
            ReconstructionSteps: reconstruction,
            TrainData: data,
            Model: model,
            Eval: eval);
        if (!(config.LearningRate > 0))
            throw new ConfigException($"{source}: lr must be positive, got {config.LearningRate}.");
        root.RejectUnknownKeys(Hint);
        return config;
    }

    private static DataConfig ParseData(YamlConfigNode node)
    {
        node.Ignore("fn");
        string name = node.String("name");
        var args = node.Child("args");
        // train selects the split, which Msp's training and evaluation choose themselves.
        args.Ignore("train");
        var data = name switch
        {
            "SequentialMNIST" => ParseSequentialMnist(args, name),
            "ThreeDimShapesDataset" => ParseFactorData(args, name, DatasetKind.ThreeDimShapes, ThreeDimShapes.Grid, ThreeDimShapes.DefaultActiveFactors,
                ThreeDimShapes.MaxFrames, ThreeDimShapes.ImageSide),
            "SmallNORBDataset" => ParseFactorData(args, name, DatasetKind.SmallNorb, SmallNorb.Grid, SmallNorb.DefaultActiveFactors,
                SmallNorb.MaxFrames, SmallNorb.ImageSide),
            _ => throw new ConfigException($"{node.File}: train_data.name '{name}' is not supported; Msp reads SequentialMNIST, ThreeDimShapesDataset and SmallNORBDataset."),
        };
        if (data.Frames < 2)
            throw new ConfigException($"{node.File}: train_data.args.T must be at least 2, got {data.Frames}.");
        args.RejectUnknownKeys(Hint);
        node.RejectUnknownKeys(Hint);
        return data;
    }

    private static DataConfig ParseSequentialMnist(YamlConfigNode args, string name)
    {
        var data = new DataConfig(
            Name: name,
            Root: args.String("root", DataConfig.EmbeddedRoot),
            Frames: args.Int("T", 3),
            MaxFrames: args.Int("max_T", 9),
            AngleVelocity: args.Range("max_angle_velocity_ratio", (-0.5f, 0.5f)),
            AngleAcceleration: args.Range("max_angle_accl_ratio", (0f, 0f)),
            ColorVelocity: args.Range("max_color_velocity_ratio", (-0.5f, 0.5f)),
            ColorAcceleration: args.Range("max_color_accl_ratio", (0f, 0f)),
            Position: args.Range("max_pos", (-10f, 10f)),
            TranslationAcceleration: args.Range("max_trans_accl", (0f, 0f)),
            ActiveActions: args.IntList("active_actions", [0, 1, 2]),
            OnlyDigit4: args.Bool("only_use_digit4", false),
            Background: args.Bool("backgrnd", false))
        {
            BackgroundImages = args.Has("backgrnd_images") ? args.String("backgrnd_images") : null,
        };
        if (data.BackgroundImages is not null && !data.Background)
            throw new ConfigException($"{args.File}: train_data.args.backgrnd_images names background images, but backgrnd is False; set backgrnd: True or remove backgrnd_images.");
        if (data.MaxFrames < 2)
            throw new ConfigException($"{args.File}: train_data.args.max_T must be at least 2, got {data.MaxFrames}.");
        return data;
    }

    /// <summary>3DShapes or SmallNORB: root, T and active_actions as the reference reads them, plus Msp's image_size
    /// (frames rendered, or real images downsampled, to that side).</summary>
    private static DataConfig ParseFactorData(YamlConfigNode args, string name, DatasetKind kind, FactorGrid grid, int[] defaultActive,
        int maxFrames, int nativeSide)
    {
        int frames = args.Int("T", 3);
        if (frames > maxFrames)
            throw new ConfigException($"{args.File}: train_data.args.T is {frames}; {name} sequences have at most {maxFrames} frames (the reference's assert), so every factor can still walk.");
        int[] active = args.IntList("active_actions", defaultActive);
        foreach (int factor in active)
            if (!defaultActive.Contains(factor))
                throw new ConfigException($"{args.File}: train_data.args.active_actions: {factor} is not a factor of {name} that can move; the moving factors are " +
                    string.Join(", ", defaultActive.Select(f => $"{f} ({grid.Names[f]})")) + ".");
        int imageSize = args.Int("image_size", nativeSide);
        if (imageSize < 8 || imageSize > nativeSide)
            throw new ConfigException($"{args.File}: train_data.args.image_size must be between 8 and {nativeSide} pixels ({name}'s own size), got {imageSize}.");
        return DataConfig.OfFactors(kind, name, args.String("root", DataConfig.EmbeddedRoot), frames, active, imageSize);
    }

    private static ModelConfig ParseModel(YamlConfigNode node, int conditioning)
    {
        node.Ignore("fn");
        string name = node.String("name");
        if (!ModelConfig.KindsByReferenceClass.TryGetValue(name, out var kind))
            throw new ConfigException($"{node.File}: model.name '{name}' is not supported; Msp trains " +
                                      $"{string.Join(", ", ModelConfig.KindsByReferenceClass.Keys)} (the reference's SimCLR and CPC models are not implemented).");
        var args = node.Child("args");
        int kernelSize = args.Int("kernel_size", 3);
        if (kernelSize != 3)
            throw new ConfigException($"{node.File}: model.args.kernel_size must be 3 (the reference's only tested value), got {kernelSize}.");
        if (args.Bool("change_of_basis", false))
            throw new ConfigException($"{node.File}: model.args.change_of_basis is not supported.");
        // alignment only changes how the reported loss_bd averages over the batch; Msp reports the per-sequence mean.
        args.Ignore("alignment");
        var network = new NetworkConfig(
            DimM: Positive(args, "dim_m"),
            DimA: Positive(args, "dim_a"),
            ChannelsX: Positive(args, "ch_x", 3),
            WidthFactor: args.Float("k", 1f),
            BlockCount: Positive(args, "n_blocks", 3),
            BottomWidth: Positive(args, "bottom_width", 4));
        if ((int)(32 * network.WidthFactor) < 1)
            throw new ConfigException($"{node.File}: model.args.k = {network.WidthFactor} leaves no channels (int(32·k) must be ≥ 1).");
        bool predictive = args.Bool("predictive", true);
        if (!predictive && kind is not (ModelKind.LeastSquares or ModelKind.FixedBlocks))
            throw new ConfigException($"{node.File}: model.args.predictive: False is implemented for SeqAELSTSQ and SeqAEMultiLSTSQ only (the reconstruction model); {name} predicts from the last conditioning frame.");
        var model = new ModelConfig(kind, network, predictive, ConditioningFrames: conditioning);
        switch (kind)
        {
            case ModelKind.FixedBlocks:
                int blocks = Positive(args, "K", 8);
                if (network.DimA % blocks != 0)
                    throw new ConfigException($"{node.File}: model.args.K = {blocks} must divide dim_a = {network.DimA} (the blocks are equal).");
                model = model with { Blocks = blocks };
                break;
            case ModelKind.HigherOrder:
                int order = args.Int("n_order", 2);
                if (order != 2)
                    throw new ConfigException($"{node.File}: model.args.n_order must be 2, got {order} (the reference's rollout and internal loss are written for the second order).");
                if (conditioning < HigherOrderDynamics.MinimumFrames)
                    throw new ConfigException($"{node.File}: SeqAEHOLSTSQ needs T_cond ≥ {HigherOrderDynamics.MinimumFrames} (per-step transitions, the first dropped, and at least one pair of them), got {conditioning}.");
                break;
            case ModelKind.NeuralTransition:
                int window = args.Int("T_cond", 2);
                if (window != conditioning)
                    throw new ConfigException($"{node.File}: model.args.T_cond ({window}) must equal T_cond ({conditioning}): the network reads exactly that many latents (the reference asserts it).");
                break;
        }
        args.RejectUnknownKeys(Hint);
        node.RejectUnknownKeys(Hint);
        return model;
    }

    /// <summary>The network's frames are the data's: its image size, and ch_x must be the data's channels.</summary>
    private static ModelConfig FitToData(ModelConfig model, DataConfig data, string source)
    {
        var network = model.Network with { ImageSize = data.ImageSize };
        if (network.BottomWidth << network.BlockCount != network.ImageSize)
            throw new ConfigException($"{source}: model.args bottom_width · 2^n_blocks must be the image size {network.ImageSize} of {data.Name}, got {network.BottomWidth}·2^{network.BlockCount}.");
        if (network.ChannelsX != data.Channels)
            throw new ConfigException($"{source}: model.args.ch_x is {network.ChannelsX}, but {data.Name} frames have {data.Channels} channel{(data.Channels == 1 ? "" : "s")}; set ch_x: {data.Channels}.");
        return model with { Network = network };
    }

    private static int Positive(YamlConfigNode node, string key, int? fallback = null)
    {
        int value = fallback is int f ? node.Int(key, f) : node.Int(key);
        if (value <= 0)
            throw new ConfigException($"{node.File}: key '{(node.Path.Length == 0 ? key : node.Path + "." + key)}' must be a positive integer, got {value}.");
        return value;
    }
}
