using Msp.Core.Devices;
using Msp.Core.Tensors;
using Msp.Kernels;

namespace Msp.Core.Optim;

/// <summary>
/// torch.optim.Adam without weight decay or AMSGrad (what the reference's run.py uses): per parameter, first and
/// second moments m and v, bias-corrected by the parameter's own step count, ε added after the square root. One fused
/// kernel per parameter tensor on the parameter's device. Parameters without a gradient this step are skipped entirely
/// (value, moments and step count), as PyTorch skips parameters whose grad is None.
/// </summary>
public sealed class Adam : IDisposable
{
    private readonly Slot[] _slots;
    // Held in double like PyTorch's Python floats: the bias corrections are computed in double on the host.
    private readonly double _beta1, _beta2, _epsilon;
    private long _stepCount;

    public Adam(IReadOnlyList<(string Name, Tensor Parameter)> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentException($"Adam: betas must lie in [0, 1), got ({beta1}, {beta2}).");
        if (!(epsilon >= 0 && double.IsFinite(epsilon)))
            throw new ArgumentException($"Adam: epsilon must be finite and non-negative, got {epsilon}.");
        OptimizerParameters.CheckDistinct(parameters, nameof(Adam));
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
        // The moments are persistent like the parameters: made outside any scope, disposed with the optimizer.
        using (TensorScope.Enter(null))
            _slots = parameters.Select(p => new Slot(p.Name, p.Parameter,
                Tensor.Zeros(p.Parameter.Shape, p.Parameter.Device), Tensor.Zeros(p.Parameter.Shape, p.Parameter.Device))).ToArray();
    }

    /// <summary>
    /// Number of <see cref="Step"/> calls so far. Setting it (when restoring a checkpoint) sets every parameter's own
    /// step count to the value, which is what PyTorch would hold when every parameter had a gradient at every step.
    /// </summary>
    public long StepCount
    {
        get => _stepCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _stepCount = value;
            foreach (var slot in _slots)
                slot.StepCount = value;
        }
    }

    /// <summary>One update of every parameter that has a gradient, with learning rate <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        OptimizerParameters.CheckLearningRate(learningRate, nameof(Adam));
        _stepCount++;
        foreach (var slot in _slots)
        {
            var grad = slot.Parameter.Grad;
            if (grad is null)
                continue;
            slot.StepCount++;
            // Bias corrections in double on the host, as PyTorch computes them in Python floats.
            var step = new AdamStep((float)_beta1, (float)_beta2, (float)_epsilon,
                StepSize: (float)(learningRate / (1.0 - Math.Pow(_beta1, slot.StepCount))),
                BiasCorrection2Sqrt: (float)Math.Sqrt(1.0 - Math.Pow(_beta2, slot.StepCount)));
            if (slot.Parameter.Device is IlgpuDevice gpu)
                OptimizerKernels.AdamUpdate(gpu.Accelerator, grad.View, step, slot.Parameter.View, slot.FirstMoment.View, slot.SecondMoment.View);
            else
                OptimizerKernels.AdamUpdate(grad.Span, step, slot.Parameter.Span, slot.FirstMoment.Span, slot.SecondMoment.Span);
        }
    }

    /// <summary>The moments for checkpoints: ("adam.m.&lt;name&gt;", m) and ("adam.v.&lt;name&gt;", v) per parameter.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        foreach (var slot in _slots)
        {
            yield return ("adam.m." + slot.Name, slot.FirstMoment);
            yield return ("adam.v." + slot.Name, slot.SecondMoment);
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.FirstMoment.Dispose();
            slot.SecondMoment.Dispose();
        }
    }

    private sealed record Slot(string Name, Tensor Parameter, Tensor FirstMoment, Tensor SecondMoment)
    {
        public long StepCount { get; set; }
    }
}
