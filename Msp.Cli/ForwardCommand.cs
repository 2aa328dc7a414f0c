using System.CommandLine;
using Msp.Core.Autodiff;
using Msp.Core.Devices;
using Msp.Core.IO;
using Msp.Core.Models;
using Msp.Core.Tensors;
using Msp.Core.Training;

namespace Msp.Cli;

/// <summary>
/// `msp forward`: one forward (and with --grads one backward) of the model on a given batch, written as safetensors under
/// the golden files' names (H, M_star, H_pred, x_pred, loss, and each parameter's gradient under its reference name).
/// It is how anyone checks Msp against another implementation of the same architecture.
/// </summary>
public static class ForwardCommand
{
    internal sealed record Options(string? Config, float? K, int? DimM, int? DimA, int BlockCount, string Checkpoint, string Input,
        string Out, bool Grads, int ConditioningFrames, DeviceKind Accelerator);

    public static Command Build()
    {
        var config = new Option<string?>("--config") { Description = "Take the architecture from this config (name or YAML file)." };
        var k = new Option<float?>("--k") { Description = "Width factor k (without --config)." };
        var dimM = new Option<int?>("--dim-m") { Description = "dim_m (without --config)." };
        var dimA = new Option<int?>("--dim-a") { Description = "dim_a (without --config)." };
        var blocks = new Option<int>("--n-blocks") { Description = "Residual blocks per network (without --config).", DefaultValueFactory = _ => 3 };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Weights (safetensors, reference state_dict names).", Required = true };
        var input = new Option<string>("--input") { Description = "safetensors with xs [n, T, 3, 32, 32].", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the outputs (safetensors).", Required = true };
        var grads = new Option<bool>("--grads") { Description = "Also run backward and write every parameter's gradient." };
        var conditioning = new Option<int>("--t-cond") { Description = "Conditioning frames T_cond.", DefaultValueFactory = _ => 2 };
        var accelerator = new Option<string>("--accelerator") { Description = "cpu, cuda or ilgpu-cpu.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("forward", "Run the model once on a given batch and write H, M*, the prediction, the loss (and gradients).")
        {
            config, k, dimM, dimA, blocks, checkpoint, input, output, grads, conditioning, accelerator,
        };
        command.SetAction(parse => CliErrors.Run(() => Run(new Options(parse.GetValue(config), parse.GetValue(k), parse.GetValue(dimM),
            parse.GetValue(dimA), parse.GetValue(blocks), parse.GetValue(checkpoint)!, parse.GetValue(input)!, parse.GetValue(output)!,
            parse.GetValue(grads), parse.GetValue(conditioning), TrainCommand.ParseAccelerator(parse.GetValue(accelerator)!)), Console.Out)));
        return command;
    }

    internal static int Run(Options options, TextWriter console)
    {
        var network = Network(options);
        var (inputs, _) = Safetensors.Read(options.Input);
        var xs = inputs.FirstOrDefault(t => t.Name == "xs")
                 ?? throw FileFormatException.In(options.Input, $"has no tensor 'xs' (found: {string.Join(", ", inputs.Select(t => t.Name))}).");
        if (xs.Shape.Length != 5 || xs.Shape[2] != network.ChannelsX || xs.Shape[3] != network.ImageSize || xs.Shape[4] != network.ImageSize)
            throw FileFormatException.In(options.Input, $"xs is [{string.Join(", ", xs.Shape)}]; expected [n, T, {network.ChannelsX}, {network.ImageSize}, {network.ImageSize}].");
        if (options.ConditioningFrames < 2 || options.ConditioningFrames >= xs.Shape[1])
            throw new UsageException($"--t-cond {options.ConditioningFrames} must be at least 2 and less than T = {xs.Shape[1]}.");

        using var device = DeviceFactory.Create(options.Accelerator);
        using var model = new SeqAe(device, new Rng(0), network);
        model.LoadState(Safetensors.Read(options.Checkpoint).Tensors, options.Checkpoint);
        using var scope = new TensorScope();
        using var noGrad = options.Grads ? null : Tape.NoGrad();
        var result = model.Loss(Tensor.FromArray(xs.Data, new Shape(xs.Shape), device), options.ConditioningFrames);
        var outputs = new List<NamedArray>
        {
            Named("H", result.H), Named("M_star", result.MStar!), Named("H_pred", result.HPred),
            Named("x_pred", result.Prediction), Named("loss", result.Loss),
        };
        if (options.Grads)
        {
            Tape.Backward(result.Loss);
            outputs.AddRange(model.NamedParameters().Select(p =>
                new NamedArray(p.Path, p.Tensor.Shape.ToArray(), p.Tensor.Grad?.ToArray() ?? new float[p.Tensor.Size])));
        }
        Safetensors.Write(options.Out, outputs);
        console.WriteLine($"loss {result.Loss.Item():G7}; wrote {outputs.Count} tensors to {options.Out}");
        return 0;
    }

    private static NetworkConfig Network(Options options)
    {
        if (options.Config is not null)
            return ConfigLibrary.Load(options.Config).Model.Network;
        if (options.K is not float k || options.DimM is not int dimM || options.DimA is not int dimA)
            throw new UsageException("Give the architecture with --config, or with all of --k, --dim-m and --dim-a.");
        return new NetworkConfig(dimM, dimA, WidthFactor: k, BlockCount: options.BlockCount, BottomWidth: 32 >> options.BlockCount);
    }

    private static NamedArray Named(string name, Tensor tensor) => new(name, tensor.Shape.ToArray(), tensor.ToArray());
}
