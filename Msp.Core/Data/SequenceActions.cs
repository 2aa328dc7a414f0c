namespace Msp.Core.Data;

/// <summary>The transformations a Sequential MNIST sequence applies over time (the reference's active_actions
/// 0, 1, 2). An inactive one stays at its initial value in every frame.</summary>
[Flags]
public enum SequenceActions
{
    None = 0,
    Rotation = 1,
    Color = 2,
    Translation = 4,
    All = Rotation | Color | Translation,
}
