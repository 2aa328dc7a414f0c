namespace Msp.Core.Data;

/// <summary>Which part of a data set: the digits a model trains on, or the held-out ones it is evaluated on.</summary>
public enum DatasetSplit
{
    Train,
    Test,
}
