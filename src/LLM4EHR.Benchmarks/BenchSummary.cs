using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// The one summary line a benchmark ends with: <c>bench &lt;name&gt;: key=value key=value ...</c>.
/// Values are plain numbers (keys carry the unit); doubles print with invariant culture.
/// </summary>
public sealed class BenchSummary(string name)
{
    private readonly List<(string Key, string Value)> _items = [];

    public string Name { get; } = name;
    public IReadOnlyList<(string Key, string Value)> Items => _items;

    public BenchSummary Add(string key, double value, int decimals = 3)
    {
        _items.Add((key, Math.Round(value, decimals).ToString(CultureInfo.InvariantCulture)));
        return this;
    }

    public BenchSummary Add(string key, long value)
    {
        _items.Add((key, value.ToString(CultureInfo.InvariantCulture)));
        return this;
    }

    public BenchSummary Add(string key, string value)
    {
        if (value.Contains(' ') || value.Contains('='))
            throw new ArgumentException($"bench value for '{key}' must be one word: '{value}'");
        _items.Add((key, value));
        return this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("bench ").Append(Name).Append(':');
        foreach (var (k, v) in _items)
            sb.Append(' ').Append(k).Append('=').Append(v);
        return sb.ToString();
    }
}

/// <summary>The dtype and honest-peak keys that <c>train-step</c> and <c>demo</c> both print (Benchmarks/README.md).</summary>
public static class BenchSummaryPeak
{
    public static string DtypeName(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bf16" : dtype == ScalarType.Float32 ? "f32" : dtype.ToString();

    /// <summary>dtype, peak_gflops, mfu_peak, and how the peak was derived: cores, flop_per_cycle, clock_ghz, clock_source.</summary>
    public static BenchSummary AddPeak(this BenchSummary summary, ScalarType dtype, CpuPeak peak, double mfuPeak) => summary
        .Add("dtype", DtypeName(dtype))
        .Add("peak_gflops", peak.Gflops, 1)
        .Add("mfu_peak", mfuPeak, 3)
        .Add("peak_cores", peak.Cores)
        .Add("flop_per_cycle", peak.FlopsPerCycle)
        .Add("clock_ghz", peak.ClockGhz, 3)
        .Add("clock_source", peak.ClockSource);
}
