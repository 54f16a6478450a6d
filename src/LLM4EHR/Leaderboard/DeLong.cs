using LLM4EHR.Data;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// DeLong, DeLong &amp; Clarke-Pearson (1988) for correlated AUROCs, with the placement values of Sun &amp; Xu's fast
/// algorithm (2014): for a positive, V10 = share of negatives scored below it (ties ½); for a negative, V01 = share of
/// positives scored above it. Var(AUC) = S10/m + S01/n with S the sample (co)variances of the placements.
/// <para>
/// Written per stay, that is Σ_s e(s)², with e(s) = (V10(s) − AUC)/√(m(m−1)) for a positive and (V01(s) − AUC)/√(n(n−1))
/// for a negative, and the covariance of two models Σ_s e_A(s)·e_B(s). The macro AUROC (Pheno) is the mean over labels
/// with both classes; its variance pools the labels the same way with e(s) = mean over labels of e_k(s), so the labels'
/// covariances through shared stays are kept. For one label this is exactly DeLong. A class with a single member has
/// no sample variance: its term (0/0) is taken as 0.
/// </para>
/// </summary>
public static class DeLong
{
    /// <summary>One binary label: model A's scores against model B's.</summary>
    public static DeLongResult Compare(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scoresA, ReadOnlySpan<double> scoresB)
    {
        if (labels.Length != scoresA.Length || labels.Length != scoresB.Length)
            throw new ArgumentException($"labels ({labels.Length}) and scores ({scoresA.Length}, {scoresB.Length}) differ in length");
        var a = Placements.Of(labels, scoresA);
        var b = Placements.Of(labels, scoresB);
        return Combine([a], [b]);
    }

    /// <summary>Per label of two prediction sets over the same stays in the same order (NaN results for single-class labels).</summary>
    public static IReadOnlyList<DeLongResult> CompareLabels(PredictionSet a, PredictionSet b)
    {
        RequirePaired(a, b);
        return Enumerable.Range(0, a.LabelCount)
            .Select(j => Compare(a.LabelColumn(j), a.ProbabilityColumn(j), b.ProbabilityColumn(j)))
            .ToList();
    }

    /// <summary>The macro AUROC (mean over labels with both classes, as <c>auroc_macro</c>) of two prediction sets.</summary>
    public static DeLongResult CompareMacro(PredictionSet a, PredictionSet b)
    {
        RequirePaired(a, b);
        var pa = new List<Placements>();
        var pb = new List<Placements>();
        for (int j = 0; j < a.LabelCount; j++)
        {
            var labels = a.LabelColumn(j);
            var placementsA = Placements.Of(labels, a.ProbabilityColumn(j));
            if (double.IsNaN(placementsA.Auc))
                continue; // one class only: left out of the macro mean, as MetricEngine does
            pa.Add(placementsA);
            pb.Add(Placements.Of(labels, b.ProbabilityColumn(j)));
        }
        return pa.Count == 0 ? new DeLongResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN) : Combine(pa, pb);
    }

    private static DeLongResult Combine(IReadOnlyList<Placements> a, IReadOnlyList<Placements> b)
    {
        if (double.IsNaN(a[0].Auc))
            return new DeLongResult(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        int n = a[0].Centered.Length, k = a.Count;
        double varA = 0, varB = 0, cov = 0;
        for (int s = 0; s < n; s++)
        {
            double ea = 0, eb = 0;
            for (int j = 0; j < k; j++)
            {
                ea += a[j].Centered[s];
                eb += b[j].Centered[s];
            }
            ea /= k;
            eb /= k;
            varA += ea * ea;
            varB += eb * eb;
            cov += ea * eb;
        }
        return new DeLongResult(a.Average(p => p.Auc), b.Average(p => p.Auc), varA, varB, cov);
    }

    private static void RequirePaired(PredictionSet a, PredictionSet b)
    {
        if (a.Task != b.Task || a.Count != b.Count)
            throw new ArgumentException($"paired comparison needs the same task and stays ({a.Task.Id()} × {a.Count} vs {b.Task.Id()} × {b.Count})");
        for (int i = 0; i < a.Count; i++)
            if (a.Names[i] != b.Names[i])
                throw new ArgumentException($"paired comparison needs the stays in the same order (row {i}: '{a.Names[i]}' vs '{b.Names[i]}')");
    }

    /// <summary>One model's AUC on one label and its per-stay scaled, centred placements e(s) (see the class summary).</summary>
    private sealed record Placements(double Auc, double[] Centered)
    {
        public static Placements Of(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores)
        {
            var positives = new List<double>();
            var negatives = new List<double>();
            for (int i = 0; i < labels.Length; i++)
                (labels[i] != 0 ? positives : negatives).Add(scores[i]);
            int m = positives.Count, n = negatives.Count;
            var centered = new double[labels.Length];
            if (m == 0 || n == 0)
                return new Placements(double.NaN, centered);
            positives.Sort();
            negatives.Sort();
            var placement = new double[labels.Length];
            double aucSum = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] != 0)
                {
                    var (below, tied) = Count(negatives, scores[i]);
                    placement[i] = (below + 0.5 * tied) / n;
                    aucSum += placement[i];
                }
                else
                {
                    var (below, tied) = Count(positives, scores[i]);
                    placement[i] = (m - below - tied + 0.5 * tied) / m; // positives above, ties ½
                }
            }
            double auc = aucSum / m;
            double posScale = m > 1 ? Math.Sqrt((double)m * (m - 1)) : double.PositiveInfinity;
            double negScale = n > 1 ? Math.Sqrt((double)n * (n - 1)) : double.PositiveInfinity;
            for (int i = 0; i < labels.Length; i++)
                centered[i] = (placement[i] - auc) / (labels[i] != 0 ? posScale : negScale); // a lone member: 0/∞ = 0
            return new Placements(auc, centered);
        }

        // How many of the sorted values are below x, and how many equal it (two binary searches: ties cost nothing).
        private static (int Below, int Tied) Count(List<double> sorted, double x)
        {
            int below = Bound(sorted, x, inclusive: false);
            return (below, Bound(sorted, x, inclusive: true) - below);
        }

        // First index whose value is >= x (inclusive: false) or > x (inclusive: true).
        private static int Bound(List<double> sorted, double x, bool inclusive)
        {
            int lo = 0, hi = sorted.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < x || (inclusive && sorted[mid] == x)) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }
}

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
