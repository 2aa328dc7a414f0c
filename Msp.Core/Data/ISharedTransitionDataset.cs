namespace Msp.Core.Data;

/// <summary>
/// A data set whose batches can all move by one transition (the reference's shared_transition), which the
/// equivariance error and the swapped-M* pictures need: there a sequence predicted with another's M* should still be right.
/// </summary>
public interface ISharedTransitionDataset : ISequenceDataset
{
    /// <summary>Whether every sequence of a batch moves by the batch's one transition.</summary>
    bool SharedTransition { get; }

    /// <summary>A description of each sequence's transition in the batch <see cref="ISequenceDataset.FillBatch"/> draws
    /// for these items, seed and step; equal strings mean equal transitions.</summary>
    string[] DescribeTransitions(ReadOnlySpan<int> items, ulong seed, long step);
}
