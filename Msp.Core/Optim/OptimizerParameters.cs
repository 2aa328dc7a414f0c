using Msp.Core.Tensors;

namespace Msp.Core.Optim;

/// <summary>Argument checks the optimizers share.</summary>
internal static class OptimizerParameters
{
    /// <summary>Every name and every tensor at most once: a tensor listed twice would be updated twice per step.</summary>
    public static void CheckDistinct(IReadOnlyList<(string Name, Tensor Parameter)> parameters, string optimizer)
    {
        var names = new HashSet<string>();
        var tensors = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in parameters)
        {
            if (!names.Add(name))
                throw new ArgumentException($"{optimizer}: the parameter name '{name}' appears twice.");
            if (!tensors.Add(parameter))
                throw new ArgumentException($"{optimizer}: parameter '{name}' is the same tensor as an earlier one; list each tensor once.");
        }
    }

    public static void CheckLearningRate(double learningRate, string optimizer)
    {
        if (!(learningRate >= 0 && double.IsFinite(learningRate)))
            throw new ArgumentException($"{optimizer}: the learning rate must be finite and non-negative, got {learningRate}.");
    }
}
