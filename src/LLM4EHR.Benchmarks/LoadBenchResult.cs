namespace LLM4EHR.Benchmarks;

/// <summary>
/// What <see cref="LoadBenchmark"/> measured; <see cref="Python"/> is null without NumPy. Both sides print min/median/max:
/// on a shared machine one side's median can land in a load spike the other missed, and the ratio of the minima
/// (<c>ratio_min</c>, each side's least disturbed run) is the steadier comparison.
/// </summary>
public sealed record LoadBenchResult(int Stays, double FileMb, TimingStats Ours, TimingStats? Python)
{
    public double? Ratio => Python is { } p ? Ours.MedianMs / p.MedianMs : null;
    public double? RatioMin => Python is { } p ? Ours.MinMs / p.MinMs : null;

    public BenchSummary Summary()
    {
        var s = new BenchSummary("load").Add("stays", Stays).Add("file_mb", FileMb, 1)
            .Add("ms", Ours.MedianMs, 1).Add("min_ms", Ours.MinMs, 1).Add("max_ms", Ours.MaxMs, 1);
        if (Python is { } p)
            s.Add("python_ms", p.MedianMs, 1).Add("python_min_ms", p.MinMs, 1).Add("python_max_ms", p.MaxMs, 1)
                .Add("ratio", Ratio!.Value, 3).Add("ratio_min", RatioMin!.Value, 3);
        return s;
    }
}
