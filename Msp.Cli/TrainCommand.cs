using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Msp.Core.Devices;
using Msp.Core.Evaluation;
using Msp.Core.IO;
using Msp.Core.Training;
using Spectre.Console;

namespace Msp.Cli;

/// <summary>`msp train`: train a config on a device with a live progress bar, checkpoints, metrics and a final evaluation.</summary>
public static class TrainCommand
{
    internal sealed record Options(string Config, DeviceKind Accelerator, string? Out, long? Steps, int? Seed, bool Resume, string? DataRoot);

    public static Command Build()
    {
        var config = new Option<string>("--config") { Description = "A built-in config name (see `msp configs`) or a YAML file.", DefaultValueFactory = _ => ConfigLibrary.DefaultName };
        var accelerator = new Option<string>("--accelerator") { Description = "cpu, cuda or ilgpu-cpu (a simulator for tests).", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<config>)." };
        var steps = new Option<long?>("--steps") { Description = "Train to this many steps instead of the config's max_iteration." };
        var seed = new Option<int?>("--seed") { Description = "Override the config's seed." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint." };
        var dataRoot = new Option<string?>("--data-root") { Description = "Folder with standard MNIST IDX files (default: the digits shipped with Msp)." };
        var command = new Command("train", "Train a model (default: the small MNIST config, minutes on a CPU).")
        {
            config, accelerator, output, steps, seed, resume, dataRoot,
        };
        // Training runs on a worker thread so that System.CommandLine's Ctrl-C handler can wait for the returned task:
        // a synchronous action would be cut off mid-checkpoint when the handler ends the process.
        command.SetAction((parse, token) => Task.Run(() => CliErrors.Run(() => Run(new Options(
            parse.GetValue(config)!, ParseAccelerator(parse.GetValue(accelerator)!), parse.GetValue(output), parse.GetValue(steps),
            parse.GetValue(seed), parse.GetValue(resume), parse.GetValue(dataRoot)), Console.Out, token))));
        return command;
    }

    internal static DeviceKind ParseAccelerator(string name)
    {
        try
        {
            return DeviceFactory.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    internal static int Run(Options options, TextWriter console, CancellationToken cancel)
    {
        var config = ConfigLibrary.Load(options.Config, options.Seed, options.Steps);
        using var device = DeviceFactory.Create(options.Accelerator);
        var (trainData, testData) = TrainingData.Create(config, options.DataRoot);
        string runDirectory = RunDirectory.Prepare(options.Out ?? Path.Combine("runs", ConfigLibrary.RunName(options.Config)), config.Text, options.Resume);
        using var runLock = RunDirectory.Lock(runDirectory);
        using var trainer = new Trainer(config, device, trainData);
        string checkpoint = Path.Combine(runDirectory, Checkpoint.FileName);
        if (options.Resume)
        {
            if (!File.Exists(checkpoint))
                throw new UsageException($"--resume: {runDirectory} has no {Checkpoint.FileName} yet; start without --resume.");
            trainer.Resume(checkpoint);
        }
        console.WriteLine($"msp train: {config.Source} on {device.Name}; {trainer.Model.ParameterCount:N0} parameters; " +
                          $"steps {trainer.Step}→{config.MaxIteration}; run folder {runDirectory}");
        using var metrics = new MetricsLog(Path.Combine(runDirectory, "metrics.csv"), trainer.Step);

        bool interrupted = TrainLoop(trainer, config, runDirectory, metrics, console, cancel);
        metrics.Flush();
        trainer.SaveCheckpoint(runDirectory);
        metrics.Dispose();
        if (interrupted)
        {
            console.WriteLine($"Interrupted at step {trainer.Step}; checkpoint saved. Continue with --resume --out {runDirectory}.");
            return CliErrors.Interrupted;
        }
        MetricsLog.PlotLosses(Path.Combine(runDirectory, "metrics.csv"), Path.Combine(runDirectory, "loss.png"));

        console.WriteLine($"Evaluating on {testData.Count} held-out sequences ({config.Eval.ConditioningFrames} conditioning frames, horizon {config.Eval.Horizon})...");
        var report = HorizonEvaluation.Run(trainer.Model, testData, config.Eval.ConditioningFrames, config.Eval.BatchSize, (ulong)config.Seed + 1000, device);
        EvaluationOutput.Write(runDirectory, report);
        EvaluationOutput.Print(report, console);
        return 0;
    }

    private static bool TrainLoop(Trainer trainer, TrainConfig config, string runDirectory, MetricsLog metrics, TextWriter console, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        long firstStep = trainer.Step, total = config.MaxIteration;
        bool interactive = AnsiConsole.Profile.Capabilities.Interactive && ReferenceEquals(console, Console.Out);
        var lastPrint = TimeSpan.Zero;

        void OneStep(Action<StepResult, double> show)
        {
            var result = trainer.TrainStep();
            double stepsPerSecond = (trainer.Step - firstStep) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            var diagnostics = result.Step % config.ReportFrequency == 0 ? trainer.Diagnose() : null;
            metrics.Append(result, clock.Elapsed.TotalSeconds, diagnostics);
            if (result.Step % config.CheckpointFrequency == 0)
            {
                metrics.Flush();
                trainer.SaveCheckpoint(runDirectory);
            }
            if (result.Step % config.ModelSnapshotFrequency == 0)
                AtomicFile.Copy(Path.Combine(runDirectory, Checkpoint.ModelFileName),
                    Path.Combine(runDirectory, $"snapshot_model_iter_{result.Step}.safetensors"));
            show(result, stepsPerSecond);
        }

        if (!interactive)
        {
            while (trainer.Step < total && !cancel.IsCancellationRequested)
                OneStep((result, speed) =>
                {
                    if (result.Step % config.ReportFrequency != 0 && result.Step != total && clock.Elapsed - lastPrint < TimeSpan.FromSeconds(30))
                        return;
                    lastPrint = clock.Elapsed;
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {result.Step}/{total}  loss {result.Loss:F3}  lr {result.LearningRate:G3}  {speed:F2} steps/s  ETA {Eta(total - result.Step, speed)}"));
                });
            return trainer.Step < total;
        }

        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: total);
                task.Value = trainer.Step;
                while (trainer.Step < total && !cancel.IsCancellationRequested)
                    OneStep((result, speed) =>
                    {
                        task.Value = result.Step;
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"step {result.Step}/{total} loss {result.Loss:F2} {speed:F2} it/s{(result.Reconstruction ? " (reconstruction)" : "")}");
                    });
            });
        return trainer.Step < total;
    }

    private static string Eta(long remaining, double stepsPerSecond) =>
        stepsPerSecond <= 0 ? "?" : TimeSpan.FromSeconds(remaining / stepsPerSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
