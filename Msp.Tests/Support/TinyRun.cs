using Msp.Core.Training;

namespace Msp.Tests.Support;

/// <summary>A run folder as `msp train` leaves it (config.yml, model.safetensors), from one step of the tiny config.</summary>
public static class TinyRun
{
    public static void Create(string folder)
    {
        var config = ConfigLibrary.Load("tiny");
        using var trainer = new Trainer(config, TestDevices.Cpu, TrainingData.Create(config, dataRoot: null).Train);
        RunDirectory.Prepare(folder, config.Text, resume: false);
        trainer.TrainStep();
        trainer.SaveCheckpoint(folder);
    }
}
