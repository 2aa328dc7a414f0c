namespace Msp.Kernels;

/// <summary>Batched row-major SGEMM: the managed SIMD half (see <see cref="GemmShape"/> for the contract).</summary>
public static partial class GemmKernels
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C over all cores. beta = 0 never reads C.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, GemmShape shape, float alpha, float beta, Span<float> c) =>
        MultiplySerial(a, b, shape, alpha, beta, c);

    /// <summary>As <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, GemmShape, float, float, Span{float})"/> on the
    /// calling thread only, for callers that already run one task per core (e.g. convolution over images).</summary>
    public static void MultiplySerial(ReadOnlySpan<float> a, ReadOnlySpan<float> b, GemmShape shape, float alpha, float beta, Span<float> c)
    {
        for (int batch = 0; batch < shape.BatchCount; batch++)
        {
            var ab = a[(batch * shape.BatchStrideA)..];
            var bb = b[(batch * shape.BatchStrideB)..];
            var cb = c.Slice(batch * shape.BatchStrideC, shape.BatchStrideC);
            for (int i = 0; i < shape.M; i++)
                for (int j = 0; j < shape.N; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < shape.K; p++)
                    {
                        float av = shape.TransposeA ? ab[p * shape.M + i] : ab[i * shape.K + p];
                        float bv = shape.TransposeB ? bb[j * shape.K + p] : bb[p * shape.N + j];
                        sum += av * bv;
                    }
                    int index = i * shape.N + j;
                    cb[index] = beta == 0f ? alpha * sum : alpha * sum + beta * cb[index];
                }
        }
    }
}
