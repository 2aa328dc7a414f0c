using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>
/// How a sequence model turns its conditioning frames into a forecast: the part in which the paper's MSP and its
/// variants and baselines differ (the encoder Φ and decoder Ψ around it are the same network for all of them).
/// A dynamics with parameters is also a <see cref="Layers.Module"/>, and its networks sit beside <c>enc</c> and
/// <c>dec</c> under the reference's attribute names.
/// </summary>
public interface ILatentDynamics
{
    /// <summary>The forecast from the conditioning frames xsCond [n, T_cond, c, s, s] and their latents H = Φ(xsCond)
    /// [n, T_cond, m, a].</summary>
    LatentForecast Infer(Tensor xsCond, Tensor h);

    /// <summary>Whether its forecasts carry a transition matrix M (to swap between sequences, to block-diagonalise).</summary>
    bool HasTransitionMatrix { get; }
}
