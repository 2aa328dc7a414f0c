using Msp.Core.Training;

namespace Msp.Tests.Core.Training;

public sealed class ConfigReaderTests
{
    /// <summary>Built-in configs of the reference whose datasets Msp does not read yet.</summary>
    private static readonly string[] AwaitingTheirDatasets = ["mnist-bg", "3dshapes", "smallnorb"];

    private static IEnumerable<string> UsableConfigs() => ConfigLibrary.BuiltInNames.Except(AwaitingTheirDatasets);

    [TestCaseSource(nameof(UsableConfigs))]
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

    [TestCaseSource(nameof(AwaitingTheirDatasets))]
    public void A_config_whose_dataset_is_not_read_yet_is_rejected_with_the_reason(string name)
    {
        Assert.That(ConfigLibrary.BuiltInNames, Does.Contain(name));
        Assert.That(() => ConfigLibrary.Load(name), Throws.TypeOf<ConfigException>().With.Message.Contains("not").And.Message.Contains("yet"));
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
