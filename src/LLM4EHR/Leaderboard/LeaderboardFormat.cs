using System.Globalization;

namespace LLM4EHR.Leaderboard;

/// <summary>How the leaderboard's Markdown writes numbers: metrics with 3 decimals, p-values with 3 (below 0.001 as "&lt;0.001"), counts as 8.03B / 4.2M / 12.3K.</summary>
internal static class LeaderboardFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const string Missing = "n/a";

    public static string Number(double value, int decimals = 3) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, Inv) : Missing;

    /// <summary>"0.812 ± 0.010", or just the mean for a single run.</summary>
    public static string MeanSd(MetricSummary s, int decimals = 3) =>
        s.N == 0 ? Missing : double.IsFinite(s.Sd) ? $"{Number(s.Mean, decimals)} ± {Number(s.Sd, decimals)}" : Number(s.Mean, decimals);

    public static string WithInterval(double value, Evaluation.ConfidenceInterval? ci) =>
        ci is { } c && double.IsFinite(c.Lower) ? $"{Number(value)} [{Number(c.Lower)}, {Number(c.Upper)}]" : Number(value);

    /// <summary>A signed difference: "+0.012", "−0.034", and "0.000" when it rounds to zero.</summary>
    public static string Delta(double value)
    {
        if (!double.IsFinite(value)) return Missing;
        double shown = Math.Round(value, 3);
        return shown == 0 ? "0.000" : (shown < 0 ? "−" : "+") + Math.Abs(shown).ToString("F3", Inv);
    }

    public static string P(double p) =>
        !double.IsFinite(p) ? Missing : p < 0.001 ? "<0.001" : p.ToString("F3", Inv);

    public static string Count(long? n)
    {
        if (n is not { } v) return Missing;
        return v switch
        {
            >= 1_000_000_000 => (v / 1e9).ToString("0.##", Inv) + "B",
            >= 1_000_000 => (v / 1e6).ToString("0.##", Inv) + "M",
            >= 1_000 => (v / 1e3).ToString("0.#", Inv) + "K",
            _ => v.ToString(Inv),
        };
    }
}
