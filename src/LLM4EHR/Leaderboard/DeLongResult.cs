namespace LLM4EHR.Leaderboard;

/// <summary>
/// DeLong's paired comparison of two AUROCs on the same stays: both AUCs, their variances and covariance, and the
/// two-sided z-test of the difference. NaN where a class is missing. Identical AUCs give z = 0, p = 1 (even when
/// the variance of the difference is 0, as for identical predictions).
/// </summary>
public sealed record DeLongResult(double AucA, double AucB, double VarianceA, double VarianceB, double Covariance)
{
    public double Difference => AucA - AucB;
    public double DifferenceVariance => VarianceA + VarianceB - 2 * Covariance;
    public double Z => Difference == 0 ? 0 : Difference / Math.Sqrt(DifferenceVariance);
    public double P => NormalDistribution.TwoSidedP(Z);

    /// <summary>Normal-approximation 95% interval of model A's AUC (AUC ± 1.96·√var).</summary>
    public (double Lower, double Upper) IntervalA => (AucA - 1.959963984540054 * Math.Sqrt(VarianceA), AucA + 1.959963984540054 * Math.Sqrt(VarianceA));
}
