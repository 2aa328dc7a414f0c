namespace Msp.Kernels;

/// <summary>
/// The scalars of one Adam update (torch.optim.Adam): the betas, epsilon, and the bias corrections of step t folded in
/// on the host: StepSize = lr / (1 − β1^t), BiasCorrection2Sqrt = √(1 − β2^t).
/// </summary>
public readonly record struct AdamStep(float Beta1, float Beta2, float Epsilon, float StepSize, float BiasCorrection2Sqrt);
