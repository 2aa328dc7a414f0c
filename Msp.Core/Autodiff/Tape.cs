using System.Runtime.CompilerServices;
using Msp.Core.Performance;
using Msp.Core.Tensors;

namespace Msp.Core.Autodiff;

/// <summary>
/// Reverse-mode autodiff: ops record a backward closure next to their forward; <see cref="Backward"/> runs them in
/// reverse order. Backward closures add (+=) into gradient buffers, so a tensor used twice receives both
/// contributions; nothing here zeroes gradients: the training step calls <c>Module.ZeroGrad()</c> once per step.
/// Inside <see cref="CheckFinite"/> every recorded output and every gradient reaching an op is checked for NaN/Inf,
/// which is how a numerical fault is traced to the first tensor that went bad (too slow for every step).
/// </summary>
public static class Tape
{
    [ThreadStatic]
    private static List<Entry>? _entries;

    [ThreadStatic]
    private static int _noGradDepth;

    [ThreadStatic]
    private static int _checkFiniteDepth;

    private static List<Entry> Entries => _entries ??= [];

    /// <summary>False inside <see cref="NoGrad"/>: ops then record nothing and their outputs need no gradient.</summary>
    public static bool IsRecording => _noGradDepth == 0;

    internal static int Position => Entries.Count;

    /// <summary>Evaluation mode: nothing is recorded until the returned scope is disposed.</summary>
    public static IDisposable NoGrad()
    {
        _noGradDepth++;
        return new Scope(() => _noGradDepth--);
    }

    /// <summary>Until the returned scope is disposed, a NaN or Inf in an op's output (forward) or in the gradient
    /// arriving at an op (backward) throws <see cref="NonFiniteTensorException"/> naming the op. Every check copies
    /// the tensor to the host: for locating faults, not for training.</summary>
    public static IDisposable CheckFinite()
    {
        _checkFiniteDepth++;
        return new Scope(() => _checkFiniteDepth--);
    }

    /// <summary>Whether an op on these inputs must record its backward.</summary>
    public static bool NeedsGrad(Tensor a) => IsRecording && a.RequiresGrad;

    public static bool NeedsGrad(Tensor a, Tensor b) => IsRecording && (a.RequiresGrad || b.RequiresGrad);

    public static bool NeedsGrad(Tensor a, Tensor b, Tensor? c) =>
        IsRecording && (a.RequiresGrad || b.RequiresGrad || (c?.RequiresGrad ?? false));

    /// <summary>Records <paramref name="backward"/>(outputGrad) for <paramref name="output"/> and marks the output as
    /// needing a gradient. The caller's file and method name the op in <see cref="CheckFinite"/>'s messages and in an
    /// <see cref="OpProfiler"/> profile.</summary>
    public static void Record(Tensor output, Action<Tensor> backward,
        [CallerFilePath] string opFile = "", [CallerMemberName] string opMethod = "")
    {
        output.RequiresGrad = true;
        // The op's name is built only when something reads it: Record runs for every op of every step.
        if (OpProfiler.IsActive)
            backward = OpProfiler.Observe(output, backward, OpName(opFile, opMethod));
        var entry = new Entry(output, backward, opFile, opMethod);
        Entries.Add(entry);
        if (_checkFiniteDepth > 0)
            NonFiniteTensorException.ThrowIfAny(output.ToArray(), $"the output of {entry.Describe(Entries.Count - 1)}");
    }

    /// <summary>Seeds d loss / d loss = 1 and runs every recorded backward in reverse, then clears the tape.</summary>
    public static void Backward(Tensor loss)
    {
        if (loss.Size != 1)
            throw new ArgumentException($"Backward starts from a scalar loss, got shape {loss.Shape}.");
        if (!loss.RequiresGrad)
            throw new InvalidOperationException("The loss does not depend on any tensor that requires a gradient.");
        loss.GradForAccumulation().Fill(1f);
        RunBackward();
    }

    /// <summary>Backward from a non-scalar <paramref name="output"/> seeded with <paramref name="outputGrad"/>: the
    /// vector–Jacobian product (what PyTorch's <c>backward(gradient=...)</c> computes).</summary>
    public static void Backward(Tensor output, Tensor outputGrad)
    {
        if (outputGrad.Shape != output.Shape)
            throw new ArgumentException($"Seed gradient {outputGrad.Shape} does not match output {output.Shape}.");
        if (!output.RequiresGrad)
            throw new InvalidOperationException("The output does not depend on any tensor that requires a gradient.");
        Ops.Elementwise.Accumulate(outputGrad, 1f, output.GradForAccumulation());
        RunBackward();
    }

    private static void RunBackward()
    {
        var entries = Entries;
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            var outputGrad = entry.Output.Grad;
            if (outputGrad is null)
                continue;
            if (_checkFiniteDepth > 0)
                NonFiniteTensorException.ThrowIfAny(outputGrad.ToArray(), $"the gradient of the output of {entry.Describe(i)}");
            entry.Backward(outputGrad);
        }
        entries.Clear();
    }

    internal static void Truncate(int position)
    {
        var entries = Entries;
        if (entries.Count > position)
            entries.RemoveRange(position, entries.Count - position);
    }

    private static string OpName(string opFile, string opMethod) => Path.GetFileNameWithoutExtension(opFile) + "." + opMethod;

    private readonly record struct Entry(Tensor Output, Action<Tensor> Backward, string OpFile, string OpMethod)
    {
        public string Describe(int position) => $"{OpName(OpFile, OpMethod)} {Output.Shape} (op {position + 1} on the tape)";
    }

    private sealed class Scope(Action close) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            close();
        }
    }
}
