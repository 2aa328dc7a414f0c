namespace Msp.Core.Data;

/// <summary>
/// Everything that determines one Sequential MNIST sequence: which digit, where it starts (angle in radians, hue in
/// turns, position in pixels from the centre) and how it moves. Render it with <see cref="SequentialMnist.Render"/>.
/// </summary>
public sealed record SequenceParameters(
    int DigitIndex,
    double Angle0,
    double Color0,
    (double X, double Y) Position0,
    SequenceTransition Transition);
