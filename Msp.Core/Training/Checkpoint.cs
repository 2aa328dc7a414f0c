using System.Globalization;
using Msp.Core.IO;
using Msp.Core.Layers;
using Msp.Core.Optim;
using Msp.Core.Tensors;

namespace Msp.Core.Training;

/// <summary>
/// A resumable training state in one safetensors file: the model's parameters under the reference's state_dict names
/// (so the file also loads into the PyTorch model, ignoring the extra keys), the optimizer's moments under
/// <c>optimizer.</c>, and the step in the metadata. Batches are a pure function of (seed, step) (see
/// <see cref="BatchSampler"/>), so nothing else is needed to continue exactly where the run stopped.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.safetensors";
    public const string ModelFileName = "model.safetensors";
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Writes the checkpoint and a model-only copy, each atomically. A state holding NaN or Inf is refused with a
    /// <see cref="NonFiniteTensorException"/> before anything is written, so the last good checkpoint stays on disk.
    /// </summary>
    public static void Save(string directory, Module model, Adam optimizer, long step, IReadOnlyDictionary<string, string> extra)
    {
        var parameters = model.GetState();
        var state = optimizer.StateTensors()
            .Select(s => new NamedArray(OptimizerPrefix + s.Name, s.Tensor.Shape.ToArray(), s.Tensor.ToArray())).ToList();
        foreach (var array in parameters.Concat(state))
            NonFiniteTensorException.ThrowIfAny(array.Data, $"'{array.Name}'");
        var metadata = new Dictionary<string, string>(extra)
        {
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["optimizer_steps"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            ["format"] = "msp-checkpoint-1",
        };
        Safetensors.Write(Path.Combine(directory, FileName), parameters.Concat(state), metadata);
        Safetensors.Write(Path.Combine(directory, ModelFileName), parameters, new Dictionary<string, string> { ["step"] = metadata["step"] });
    }

    /// <summary>Restores model and optimizer from <paramref name="path"/> and returns the step to continue from.</summary>
    public static long Load(string path, Module model, Adam optimizer)
    {
        var (tensors, metadata) = Safetensors.Read(path);
        if (!metadata.TryGetValue("step", out var stepText) || !long.TryParse(stepText, CultureInfo.InvariantCulture, out long step) || step < 0)
            throw FileFormatException.In(path, "has no valid 'step' in its metadata: not an Msp checkpoint (a model-only file cannot resume training).");
        model.LoadState(tensors, path, ignorePrefix: OptimizerPrefix);
        var byName = tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[OptimizerPrefix.Length..]);
        foreach (var (name, tensor) in optimizer.StateTensors())
        {
            if (!byName.TryGetValue(name, out var array) || !array.Shape.SequenceEqual(tensor.Shape.ToArray()))
                throw FileFormatException.In(path, $"optimizer state '{name}' {tensor.Shape} is missing or has another shape.");
            tensor.CopyFrom(array.Data);
        }
        optimizer.StepCount = metadata.TryGetValue("optimizer_steps", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out long n) ? n : step;
        return step;
    }
}
