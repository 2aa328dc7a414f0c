using Msp.Core.Data;
using Msp.Core.Training;
using Msp.Tests.Support;

namespace Msp.Tests.Core.Training;

public sealed class TrainedRunTests : TempFolderTests
{
    [Test]
    public void Opens_the_model_a_run_saved_with_its_config()
    {
        var config = ConfigLibrary.Load("tiny");
        using (var trainer = new Trainer(config, TestDevices.Cpu, TrainingData.Create(config, dataRoot: null).Train))
        {
            RunDirectory.Prepare(Folder, config.Text, resume: false);
            trainer.TrainStep();
            trainer.SaveCheckpoint(Folder);
            using var run = TrainedRun.Open(Folder, TestDevices.Cpu);
            Assert.That(run.Model.Parameters().SelectMany(p => p.ToArray()), Is.EqualTo(trainer.Model.Parameters().SelectMany(p => p.ToArray())));
            var shared = run.TestData(frames: 5, sharedTransition: true);
            Assert.That((shared.Frames, ((SequentialMnist)shared).Config.SharedTransition), Is.EqualTo((5, true)));
            Assert.That(Directory.Exists(run.OutputFolder("predict")), Is.True);
        }
    }

    [Test]
    public void AFolder_without_a_run_is_a_clear_error()
    {
        Assert.That(() => TrainedRun.Open(Folder, TestDevices.Cpu),
            Throws.TypeOf<ConfigException>().With.Message.Contains("not a run folder").And.Message.Contains("msp train"));
        Assert.That(() => TrainedRun.Open(Path.Combine(Folder, "missing"), TestDevices.Cpu),
            Throws.TypeOf<ConfigException>().With.Message.Contains("does not exist"));
    }
}
