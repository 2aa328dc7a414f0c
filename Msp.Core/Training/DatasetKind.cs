namespace Msp.Core.Training;

/// <summary>Which data set a config trains on (the reference's dataset class, train_data.name).</summary>
public enum DatasetKind
{
    /// <summary>SequentialMNIST (datasets/seq_mnist.py), with or without background images.</summary>
    SequentialMnist,

    /// <summary>ThreeDimShapesDataset (datasets/three_dim_shapes.py): 3DShapes, or its rendered stand-in.</summary>
    ThreeDimShapes,

    /// <summary>SmallNORBDataset (datasets/small_norb.py): SmallNORB, or its rendered stand-in.</summary>
    SmallNorb,
}
