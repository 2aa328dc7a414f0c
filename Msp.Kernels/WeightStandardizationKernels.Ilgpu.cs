using ILGPU;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>Weight standardisation: the ILGPU half, one group per output channel (<see cref="RowGroups"/>), the same
/// formulas as the SIMD half. Shapes as there.</summary>
public static partial class WeightStandardizationKernels
{
    private static void ForwardKernel(ArrayView<float> weight, WeightStandardizationShape shape, ArrayView<float> standardized,
        ArrayView<float> std)
    {
        int row = Grid.IdxX, thread = Group.IdxX, length = shape.RowLength, rowStart = row * length;
        float partial = 0f;
        for (int i = thread; i < length; i += RowGroups.Size)
            partial += weight[rowStart + i];
        float mean = RowGroups.Sum(partial) / length;
        partial = 0f;
        for (int i = thread; i < length; i += RowGroups.Size)
        {
            float centered = weight[rowStart + i] - mean;
            partial += centered * centered;
        }
        float sigma = MathF.Sqrt(RowGroups.Sum(partial) / (length - 1));
        if (thread == 0)
            std[row] = sigma;
        for (int i = thread; i < length; i += RowGroups.Size)
            standardized[rowStart + i] = (weight[rowStart + i] - mean) / (sigma + Epsilon);
    }

    public static void Forward(Accelerator accelerator, ArrayView<float> weight, WeightStandardizationShape shape,
        ArrayView<float> standardized, ArrayView<float> std)
    {
        if (shape.Rows == 0)
            return;
        var kernel = KernelCache.Get(accelerator, ForwardKernel, a => a.LoadStreamKernel<ArrayView<float>, WeightStandardizationShape,
            ArrayView<float>, ArrayView<float>>(ForwardKernel));
        kernel(RowGroups.Config(shape.Rows), weight, shape, standardized, std);
    }

    private static void BackwardKernel(ArrayView<float> standardized, ArrayView<float> std, ArrayView<float> yGrad,
        WeightStandardizationShape shape, ArrayView<float> weightGrad)
    {
        int row = Grid.IdxX, thread = Group.IdxX, length = shape.RowLength, rowStart = row * length;
        float partialGrad = 0f, partialDot = 0f;
        for (int i = thread; i < length; i += RowGroups.Size)
        {
            partialGrad += yGrad[rowStart + i];
            partialDot += yGrad[rowStart + i] * standardized[rowStart + i];
        }
        float sigma = std[row];
        float meanGrad = RowGroups.Sum(partialGrad) / length;
        float projection = RowGroups.Sum(partialDot) / ((length - 1) * sigma);
        for (int i = thread; i < length; i += RowGroups.Size)
            weightGrad[rowStart + i] += (yGrad[rowStart + i] - meanGrad) / (sigma + Epsilon) - standardized[rowStart + i] * projection;
    }

    public static void Backward(Accelerator accelerator, ArrayView<float> standardized, ArrayView<float> std, ArrayView<float> yGrad,
        WeightStandardizationShape shape, ArrayView<float> weightGrad)
    {
        if (shape.Rows == 0)
            return;
        var kernel = KernelCache.Get(accelerator, BackwardKernel, a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>,
            ArrayView<float>, WeightStandardizationShape, ArrayView<float>>(BackwardKernel));
        kernel(RowGroups.Config(shape.Rows), standardized, std, yGrad, shape, weightGrad);
    }
}
