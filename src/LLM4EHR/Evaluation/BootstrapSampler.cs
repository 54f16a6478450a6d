namespace LLM4EHR.Evaluation;

/// <summary>
/// Stay-level bootstrap: each resample draws N stays with replacement and recomputes every headline metric.
/// Resample r uses its own RNG seeded from (seed, r), and writes only its own row of results, so the
/// intervals are identical for any thread count or schedule.
/// </summary>
internal static class BootstrapSampler
{
    /// <summary>Headline values per resample, [resamples][keys]; NaN where undefined in that resample.</summary>
    public static double[][] Run(MetricEngine engine, int resamples, int seed, int maxDegreeOfParallelism,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int n = engine.Rows, keys = engine.Keys.Count;
        var results = new double[resamples][];
        int done = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, resamples, options,
            () => (Weights: new int[n], Confusion: new long[engine.LabelCount * 4]),
            (r, _, scratch) =>
            {
                var weights = scratch.Weights;
                Array.Clear(weights);
                var rng = new Random(ResampleSeed(seed, r));
                for (int d = 0; d < n; d++)
                    weights[rng.Next(n)]++;
                var values = new double[keys];
                engine.Compute(weights, values, scratch.Confusion);
                results[r] = values;
                int count = Interlocked.Increment(ref done);
                if (progress is not null && (count % 100 == 0 || count == resamples))
                    progress.Report(count);
                return scratch;
            },
            _ => { });
        return results;
    }

    /// <summary>SplitMix64 of (seed, r): well-spread, platform-independent per-resample seeds.</summary>
    internal static int ResampleSeed(int seed, int resample)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)resample) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>
    /// Percentile interval of one metric over the resamples where it is defined, with NumPy's default
    /// (linear) interpolation, as mimic3-benchmarks reports its 2.5 / 97.5 percentiles.
    /// </summary>
    public static ConfidenceInterval Interval(double[][] results, int key, double lowerPercent, double upperPercent)
    {
        var values = results.Select(v => v[key]).Where(v => !double.IsNaN(v)).ToArray();
        if (values.Length == 0)
            return new ConfidenceInterval(double.NaN, double.NaN, 0);
        Array.Sort(values);
        return new ConfidenceInterval(Percentile(values, lowerPercent), Percentile(values, upperPercent), values.Length);
    }

    /// <summary>numpy.percentile(sorted, q) with method="linear".</summary>
    internal static double Percentile(double[] sorted, double percent)
    {
        double h = (sorted.Length - 1) * percent / 100.0;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
