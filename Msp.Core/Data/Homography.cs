namespace Msp.Core.Data;

/// <summary>
/// A 3×3 projective map of the image plane, row-major, acting on column vectors (x, y, 1): the point (x, y) goes to
/// ((M00 x + M01 y + M02) / w, (M10 x + M11 y + M12) / w) with w = M20 x + M21 y + M22. Coordinates are in pixels,
/// x to the right and y down, with pixel centres at integers (OpenCV's convention).
/// </summary>
public readonly record struct Homography(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    /// <summary>
    /// The inverse, computed as OpenCV's cv::invert does for a 3×3 double matrix (DECOMP_LU takes the
    /// explicit cofactor route for n ≤ 3), in the same operation order, so warpPerspective's inverse map is
    /// reproduced to the last bit. Throws if the matrix is singular.
    /// </summary>
    public Homography Invert()
    {
        double determinant = M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);
        if (determinant == 0)
            throw new InvalidOperationException($"The homography {this} is singular and has no inverse.");
        double d = 1.0 / determinant;
        return new Homography(
            (M11 * M22 - M12 * M21) * d, (M02 * M21 - M01 * M22) * d, (M01 * M12 - M02 * M11) * d,
            (M12 * M20 - M10 * M22) * d, (M00 * M22 - M02 * M20) * d, (M02 * M10 - M00 * M12) * d,
            (M10 * M21 - M11 * M20) * d, (M01 * M20 - M00 * M21) * d, (M00 * M11 - M01 * M10) * d);
    }

    /// <summary>Where (x, y) goes.</summary>
    public (double X, double Y) Apply(double x, double y)
    {
        double w = M20 * x + M21 * y + M22;
        return ((M00 * x + M01 * y + M02) / w, (M10 * x + M11 * y + M12) / w);
    }
}
