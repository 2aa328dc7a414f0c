using Msp.Core.Training;

namespace Msp.Tests.Core.Training;

public sealed class ConfigReaderTests
{
    private static IEnumerable<string> BuiltInConfigs() => ConfigLibrary.BuiltInNames;

    [TestCaseSource(nameof(BuiltInConfigs))]
    public void Every_built_in_config_parses(string name)
    {
        var config = ConfigLibrary.Load(name);
        Assert.Multiple(() =>
        {
            Assert.That(config.BatchSize, Is.Positive);
            // A predictive model needs frames after the conditioning ones; the reconstruction model fits on all of them.
            Assert.That(config.TrainData.Frames, Is.GreaterThanOrEqualTo(config.ConditioningFrames + (config.Model.Predictive ? 1 : 0)));
            Assert.That(config.Text, Is.Not.Empty);
        });
    }

    [Test]
    public void The_reference_mnist_config_reads_as_the_paper_describes_it()
    {
        var config = ConfigLibrary.Load("mnist");
        Assert.Multiple(() =>
        {
            Assert.That(config.Model.Network.WidthFactor, Is.EqualTo(2f));
            Assert.That(config.Model.Network.DimM, Is.EqualTo(256));
            Assert.That(config.Model.Network.DimA, Is.EqualTo(16));
            Assert.That(config.MaxIteration, Is.EqualTo(50000));
            Assert.That(config.LearningRateAt(39999), Is.EqualTo(3e-4));
            Assert.That(config.LearningRateAt(40000), Is.EqualTo(1e-4).Within(1e-19));
            Assert.That(config.TrainData.OnlyDigit4, Is.True);
            Assert.That(config.TrainData.AngleVelocity, Is.EqualTo((-0.5f, 0.5f)));
        });
    }

    [TestCase("mnist", ModelKind.LeastSquares, 1)]
    [TestCase("mnist-lstsq-multi", ModelKind.FixedBlocks, 8)]
    [TestCase("mnist-lstsq-rec", ModelKind.LeastSquares, 1)]
    [TestCase("mnist-neuralM", ModelKind.NeuralM, 1)]
    [TestCase("mnist-neural-trans", ModelKind.NeuralTransition, 1)]
    [TestCase("mnist-accl-holstsq", ModelKind.HigherOrder, 1)]
    [TestCase("mnist-accl-neural-trans", ModelKind.NeuralTransition, 1)]
    public void The_variant_configs_read_as_the_reference_configs_of_the_same_name(string name, ModelKind kind, int blocks)
    {
        var config = ConfigLibrary.Load(name);
        Assert.Multiple(() =>
        {
            Assert.That(config.Model.Kind, Is.EqualTo(kind));
            Assert.That(config.Model.Blocks, Is.EqualTo(blocks));
            Assert.That(config.Model.ConditioningFrames, Is.EqualTo(config.ConditioningFrames));
            Assert.That(config.Model.Network.WidthFactor, Is.EqualTo(2f));
            // The reference trains both neural baselines on reconstruction plus prediction for the whole run.
            Assert.That(config.ReconstructionSteps, Is.EqualTo(kind is ModelKind.NeuralM or ModelKind.NeuralTransition ? config.MaxIteration : 0));
            Assert.That(config.Model.Predictive, Is.EqualTo(name != "mnist-lstsq-rec"));
            Assert.That(config.ConditioningFrames, Is.EqualTo(name.StartsWith("mnist-accl", StringComparison.Ordinal) ? 5 : name == "mnist-lstsq-rec" ? 3 : 2));
        });
    }

    [TestCase("3dshapes", DatasetKind.ThreeDimShapes, 64, 3)]
    [TestCase("3dshapes-small", DatasetKind.ThreeDimShapes, 32, 3)]
    [TestCase("smallnorb", DatasetKind.SmallNorb, 96, 1)]
    [TestCase("mnist-bg", DatasetKind.SequentialMnist, 32, 3)]
    public void The_other_datasets_configs_give_the_network_their_frames(string name, DatasetKind kind, int side, int channels)
    {
        var config = ConfigLibrary.Load(name);
        Assert.Multiple(() =>
        {
            Assert.That(config.TrainData.Kind, Is.EqualTo(kind));
            Assert.That(config.Model.Network.ImageSize, Is.EqualTo(side));
            Assert.That(config.Model.Network.BottomWidth << config.Model.Network.BlockCount, Is.EqualTo(side));
            Assert.That(config.Model.Network.ChannelsX, Is.EqualTo(channels));
            Assert.That(config.TrainData.Background, Is.EqualTo(name == "mnist-bg"));
        });
    }

    [Test]
    public void The_3dshapes_config_moves_every_factor_but_the_shape_as_the_reference()
    {
        var data = ConfigLibrary.Load("3dshapes").TrainData;
        Assert.That(data.ActiveActions, Is.EqualTo(new[] { 0, 1, 2, 3, 5 }));
        Assert.That(ConfigLibrary.Load("smallnorb").TrainData.ActiveActions, Is.EqualTo(new[] { 3, 4 }));
    }

    [Test]
    public void The_accelerated_config_reads_its_accelerations_and_five_conditioning_frames()
    {
        var config = ConfigLibrary.Load("mnist-accl");
        Assert.Multiple(() =>
        {
            Assert.That(config.ConditioningFrames, Is.EqualTo(5));
            Assert.That(config.TrainData.Frames, Is.EqualTo(10));
            Assert.That(config.TrainData.AngleAcceleration, Is.EqualTo((-0.025f, 0.025f)));
            Assert.That(config.TrainData.ColorAcceleration, Is.EqualTo((-0.025f, 0.025f)));
            Assert.That(config.TrainData.Position, Is.EqualTo((0f, 0f)));
            Assert.That(config.Eval.ConditioningFrames, Is.EqualTo(5));
        });
    }

    [Test]
    public void Command_line_overrides_replace_seed_and_steps_and_are_noted_in_the_text()
    {
        var config = ConfigLibrary.Load("mnist", seed: 7, steps: 10);
        Assert.That((config.Seed, config.MaxIteration), Is.EqualTo((7, 10)));
        Assert.That(config.Text, Does.Contain("--steps 10").And.Contain("--seed 7"));
    }

    private static string Mnist => ConfigLibrary.ReadText("mnist").Text;

    private static IEnumerable<TestCaseData> BadConfigs()
    {
        yield return new TestCaseData("batch_size: 4\n" + Mnist, "unknown key 'batch_size'").SetName("unknown top-level key");
        yield return new TestCaseData(Mnist.Replace("dim_m: 256", "dim_m: many"), "key 'model.args.dim_m' must be an integer, got 'many'").SetName("wrong type");
        yield return new TestCaseData(Mnist.Replace("lr: 0.0003", "lr: -1"), "lr must be positive").SetName("negative learning rate");
        yield return new TestCaseData(Mnist.Replace("lr: 0.0003\n", ""), "missing key 'lr'").SetName("missing key");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAEFancy"), "model.name 'SeqAEFancy' is not supported").SetName("unknown model");
        yield return new TestCaseData(Mnist.Replace("T_pred: 1", "T_pred: 4"), "T_cond (2) + T_pred (4) must equal train_data.args.T (3)").SetName("inconsistent frames");
        yield return new TestCaseData(Mnist.Replace("    only_use_digit4", "    colour: red\n    only_use_digit4"), "unknown key 'train_data.args.colour'").SetName("unknown data key");
        yield return new TestCaseData("batchsize: [", "not valid YAML").SetName("broken yaml");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAEMultiLSTSQ").Replace("    predictive: True", "    K: 3"),
            "model.args.K = 3 must divide dim_a = 16").SetName("blocks that do not divide dim_a");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAEHOLSTSQ"), "SeqAEHOLSTSQ needs T_cond ≥ 4").SetName("second order with 2 frames");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAEHOLSTSQ").Replace("    predictive: True", "    n_order: 3"),
            "n_order must be 2").SetName("third order");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAENeuralTransition").Replace("    predictive: True", "    T_cond: 5"),
            "model.args.T_cond (5) must equal T_cond (2)").SetName("neural transition window");
        yield return new TestCaseData(Mnist.Replace("SeqAELSTSQ", "SeqAENeuralM").Replace("predictive: True", "predictive: False"),
            "predictive: False is implemented for SeqAELSTSQ and SeqAEMultiLSTSQ only").SetName("non-predictive Neural M*");
        yield return new TestCaseData(ConfigLibrary.ReadText("mnist-accl-holstsq").Text.Replace("reconst_iter: 0", "reconst_iter: 5"),
            "reconst_iter must be 0 for SeqAEHOLSTSQ").SetName("second order with reconstruction");
        yield return new TestCaseData("- 1\n- 2\n", "must be a YAML mapping").SetName("not a mapping");
        yield return new TestCaseData(Mnist.Replace("k: 2.", "k: 0.01"), "leaves no channels").SetName("width factor too small");
    }

    private static string Shapes => ConfigLibrary.ReadText("3dshapes").Text;

    private static IEnumerable<TestCaseData> BadFactorConfigs()
    {
        yield return new TestCaseData(Shapes.Replace("    T: 3", "    T: 9").Replace("T_pred: 1", "T_pred: 7"), "at most 8 frames").SetName("3dshapes sequence too long");
        yield return new TestCaseData(Shapes.Replace("    T: 3", "    T: 3\n    active_actions: [4]"), "4 is not a factor of ThreeDimShapesDataset that can move").SetName("3dshapes shape cannot move");
        yield return new TestCaseData(Shapes.Replace("    T: 3", "    T: 3\n    image_size: 32"), "bottom_width · 2^n_blocks must be the image size 32").SetName("3dshapes size and network disagree");
        yield return new TestCaseData(Shapes.Replace("ch_x: 3", "ch_x: 1"), "set ch_x: 3").SetName("3dshapes channels");
        yield return new TestCaseData(Shapes.Replace("    T: 3", "    T: 3\n    image_size: 128"), "image_size must be between 8 and 64").SetName("3dshapes larger than the data");
        yield return new TestCaseData(Shapes.Replace("ThreeDimShapesDataset", "CelebA"), "'CelebA' is not supported").SetName("unknown dataset");
        yield return new TestCaseData(Mnist.Replace("backgrnd: False", "backgrnd: False\n    backgrnd_images: /x"), "backgrnd is False").SetName("background images without backgrnd");
    }

    [TestCaseSource(nameof(BadFactorConfigs))]
    public void Bad_dataset_settings_are_rejected_naming_the_file_and_the_key(string text, string expected) =>
        Bad_configs_are_rejected_naming_the_file_and_the_key(text, expected);

    [TestCaseSource(nameof(BadConfigs))]
    public void Bad_configs_are_rejected_naming_the_file_and_the_key(string text, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigReader.Parse(text, "bad.yml"))!;
        Assert.That(error.Message, Does.StartWith("bad.yml").And.Contain(expected));
    }

    [Test]
    public void An_unknown_config_name_lists_the_built_in_ones()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLibrary.Load("no-such-config"))!;
        Assert.That(error.Message, Does.Contain("mnist-k05"));
    }
}
