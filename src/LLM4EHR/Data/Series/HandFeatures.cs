namespace LLM4EHR.Data.Series;

/// <summary>
/// mimic3-benchmarks' hand-engineered features for its logistic-regression baseline, from <c>reg_ts</c>: per channel
/// and per sub-window of the horizon (full; first 10%, 25%, 50%; last 10%, 25%, 50%), six statistics of the values
/// observed there (mask 1): min, max, mean, std (population), skew (biased, as scipy.stats.skew) and count.
/// Layout as mimic3-benchmarks: index = (channel × 7 + window) × 6 + statistic, 17 × 7 × 6 = 714 features.
/// A window of p% holds the first (or last) ceil(p × hours / 100) hourly rows. Where a window observed nothing,
/// every statistic but count is NaN (missing; the standardizer imputes the train mean), and skew is NaN for
/// constant values (scipy's nan), std 0 for a single value. Values are the file's, not yet standardized.
/// </summary>
public static class HandFeatures
{
    public static IReadOnlyList<string> Windows { get; } = ["full", "first10", "first25", "first50", "last10", "last25", "last50"];
    public static IReadOnlyList<string> Statistics { get; } = ["min", "max", "mean", "std", "skew", "count"];
    private static readonly int[] WindowPercent = [100, 10, 25, 50, 10, 25, 50];

    public static int Count => SeriesChannels.Count * Windows.Count * Statistics.Count;

    /// <summary>Feature names <c>channel/window/statistic</c>, in feature order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. from c in SeriesChannels.Names from w in Windows from s in Statistics select $"{c}/{w}/{s}"];

    /// <summary>Rows [start, end) of window <paramref name="window"/> over <paramref name="hours"/> rows.</summary>
    public static (int Start, int End) Rows(int window, int hours)
    {
        int n = Math.Min(hours, (int)Math.Ceiling(WindowPercent[window] * hours / 100.0));
        return window <= 3 ? (0, n) : (hours - n, hours);
    }

    /// <summary>The 714 features of one stay (NaN where missing).</summary>
    public static double[] Extract(IcuStay stay)
    {
        var reg = stay.RegularSeries;
        var features = new double[Count];
        var values = new List<double>(reg.Rows);
        int i = 0;
        for (int c = 0; c < SeriesChannels.Count; c++)
            for (int w = 0; w < Windows.Count; w++)
            {
                var (start, end) = Rows(w, reg.Rows);
                values.Clear();
                for (int r = start; r < end; r++)
                    if (reg[r, SeriesChannels.MaskColumn(c)] == 1)
                        values.Add(reg[r, c]);
                Describe(values, features.AsSpan(i, Statistics.Count));
                i += Statistics.Count;
            }
        return features;
    }

    // min, max, mean, std, skew, count of the values (NaN where undefined).
    private static void Describe(List<double> values, Span<double> into)
    {
        int n = values.Count;
        into[5] = n;
        if (n == 0)
        {
            into[..5].Fill(double.NaN);
            return;
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }
        double mean = sum / n, m2 = 0, m3 = 0;
        foreach (var v in values)
        {
            double d = v - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= n;
        m3 /= n;
        into[0] = min;
        into[1] = max;
        into[2] = mean;
        into[3] = Math.Sqrt(m2);
        into[4] = max == min ? double.NaN : m3 / Math.Pow(m2, 1.5);
    }
}
