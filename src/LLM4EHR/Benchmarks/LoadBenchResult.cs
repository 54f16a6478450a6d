namespace LLM4EHR.Benchmarks;

/// <summary>What <see cref="LoadBenchmark"/> measured; <see cref="Python"/> is null without NumPy.</summary>
public sealed record LoadBenchResult(int Stays, double FileMb, TimingStats Ours, TimingStats? Python)
{
    public double? Ratio => Python is { } p ? Ours.MedianMs / p.MedianMs : null;

    public BenchSummary Summary()
    {
        var s = new BenchSummary("load").Add("stays", Stays).Add("file_mb", FileMb, 1)
            .Add("ms", Ours.MedianMs, 1).Add("min_ms", Ours.MinMs, 1).Add("max_ms", Ours.MaxMs, 1);
        if (Python is { } p)
            s.Add("python_ms", p.MedianMs, 1).Add("ratio", Ratio!.Value, 3);
        return s;
    }
}
