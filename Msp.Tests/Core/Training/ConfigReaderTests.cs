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
            Assert.That(config.TrainData.Frames, Is.GreaterThan(config.ConditioningFrames));
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
