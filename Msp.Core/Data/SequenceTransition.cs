namespace Msp.Core.Data;

/// <summary>
/// How a Sequential MNIST sequence moves from frame to frame; the group element MSP must discover. At frame t the
/// value is ½·acceleration·t² + velocity·t + start. Angles are in radians, hue in turns (the reference's 0.5 factor
/// already applied), positions in pixels.
/// </summary>
public sealed record SequenceTransition(
    double AngleVelocity,
    double AngleAcceleration,
    double ColorVelocity,
    double ColorAcceleration,
    (double X, double Y) PositionVelocity,
    (double X, double Y) PositionAcceleration);
