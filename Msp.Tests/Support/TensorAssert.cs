namespace Msp.Tests.Support;

/// <summary>Element-wise closeness with an explicit absolute and relative tolerance, naming the worst element.</summary>
public static class TensorAssert
{
    public static void AreClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what = "")
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double excess = Math.Abs(e - a) - (atol + rtol * Math.Abs(e));
            if (double.IsNaN(a) != double.IsNaN(e) || excess > worstExcess)
            {
                worst = i;
                worstExcess = double.IsNaN(excess) ? double.PositiveInfinity : excess;
            }
        }
        if (worst >= 0)
            Assert.Fail($"{what}: element {worst} is {actual[worst]}, expected {expected[worst]} (atol {atol}, rtol {rtol}).");
    }

    /// <summary>max |expected − actual| / max |expected|: the error measure of the golden files.</summary>
    public static double RelativeToMax(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(expected[i]));
            maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - (double)actual[i]));
        }
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }
}
