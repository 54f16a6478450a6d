using System.Diagnostics;

namespace LLM4EHR.Benchmarks;

/// <summary>Times an action as benchmarks must (shared/BENCHMARKS.md): warm-ups, then the median of several runs.</summary>
public static class BenchTimer
{
    public static TimingStats Measure(Action action, int warmups, int runs)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs));
        for (int i = 0; i < warmups; i++)
            action();
        var ms = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new TimingStats(median, ms[0], ms[^1], runs);
    }
}
