using System.Diagnostics;

namespace LLM4EHR.Benchmarks;

/// <summary>Times an action as benchmarks must (src/LLM4EHR.Benchmarks/README.md): warm-ups, then the median of several runs.</summary>
public static class BenchTimer
{
    /// <summary>Runs <paramref name="measure"/> on <paramref name="threads"/> libtorch threads, then restores the caller's count.</summary>
    public static T WithThreads<T>(int threads, Func<T> measure)
    {
        int callerThreads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(threads);
        try
        {
            return measure();
        }
        finally
        {
            TorchSharp.torch.set_num_threads(callerThreads);
        }
    }

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
        return new TimingStats(MedianOfSorted(ms), ms[0], ms[^1], runs);
    }

    /// <summary>
    /// Two actions timed in alternation (a, b, a, b, …) after warm-ups of each: on a shared machine both see the same
    /// load, so the ratio of their medians is steadier than two separate runs' figures.
    /// </summary>
    public static (TimingStats A, TimingStats B) MeasureInterleaved(Action a, Action b, int warmups, int runs) =>
        MeasureInterleaved(() => Time(a), () => Time(b), warmups, runs);

    /// <summary>As above, for actions that time themselves and return their ms (e.g. a step timed in another process).</summary>
    public static (TimingStats A, TimingStats B) MeasureInterleaved(Func<double> a, Func<double> b, int warmups, int runs)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs));
        for (int i = 0; i < warmups; i++)
        {
            a();
            b();
        }
        var msA = new double[runs];
        var msB = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            msA[i] = a();
            msB[i] = b();
        }
        return (Stats(msA), Stats(msB));
    }

    /// <summary>One run's wall time, ms.</summary>
    public static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static TimingStats Stats(double[] ms)
    {
        Array.Sort(ms);
        return new TimingStats(MedianOfSorted(ms), ms[0], ms[^1], ms.Length);
    }

    /// <summary>The median (mean of the middle two for an even count); NaN when there are no values.</summary>
    public static double Median(IEnumerable<double> values) => MedianOfSorted(values.Order().ToArray());

    private static double MedianOfSorted(double[] sorted)
    {
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>Median, min and max wall time of repeated runs, in milliseconds.</summary>
public readonly record struct TimingStats(double MedianMs, double MinMs, double MaxMs, int Runs);
