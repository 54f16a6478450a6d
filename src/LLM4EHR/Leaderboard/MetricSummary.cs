namespace LLM4EHR.Leaderboard;

/// <summary>Mean and sample standard deviation (n − 1) of one value over seeds; NaN values are left out, sd is NaN for n &lt; 2.</summary>
public sealed record MetricSummary(double Mean, double Sd, int N)
{
    public static MetricSummary Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
            return new MetricSummary(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Length < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MetricSummary(mean, sd, v.Length);
    }
}
