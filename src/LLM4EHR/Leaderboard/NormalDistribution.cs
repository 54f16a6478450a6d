namespace LLM4EHR.Leaderboard;

/// <summary>
/// The standard normal tail, for z-test p-values. .NET has no erfc; this one is accurate to about 1e-15 absolute:
/// the all-positive series erf(x) = 2/√π·e^(−x²)·Σ (2x²)ⁿ x / (2n+1)!! below x = 3 (no cancellation), Lentz's continued
/// fraction for erfc above (keeps relative accuracy in the far tail).
/// </summary>
public static class NormalDistribution
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = erfc(|z|/√2). NaN stays NaN.</summary>
    public static double TwoSidedP(double z) => double.IsNaN(z) ? double.NaN : Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>The complementary error function for x ≥ 0 (negative x by symmetry).</summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (double.IsPositiveInfinity(x)) return 0;
        if (x < 3) return 1 - ErfSeries(x);
        return ErfcContinuedFraction(x);
    }

    private static double ErfSeries(double x)
    {
        double term = x, sum = x, twoX2 = 2 * x * x;
        for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
        {
            term *= twoX2 / (2 * n + 1);
            sum += term;
        }
        return TwoOverSqrtPi * Math.Exp(-x * x) * sum;
    }

    // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated with modified Lentz.
    private static double ErfcContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = n / 2.0;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
