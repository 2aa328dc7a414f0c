using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Optim;

/// <summary>
/// torch.optim.SGD without momentum or weight decay: p ← p − lr·g, through the one axpy kernel every gradient
/// accumulation uses. Parameters without a gradient this step are left unchanged.
/// </summary>
public sealed class Sgd
{
    private readonly Tensor[] _parameters;

    public Sgd(IReadOnlyList<(string Name, Tensor Parameter)> parameters)
    {
        OptimizerParameters.CheckDistinct(parameters, nameof(Sgd));
        _parameters = parameters.Select(p => p.Parameter).ToArray();
    }

    public void Step(double learningRate)
    {
        OptimizerParameters.CheckLearningRate(learningRate, nameof(Sgd));
        foreach (var parameter in _parameters)
            if (parameter.Grad is { } grad)
                Elementwise.AxpyInPlace(grad, (float)-learningRate, 1f, parameter);
    }
}
