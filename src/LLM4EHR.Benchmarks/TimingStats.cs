namespace LLM4EHR.Benchmarks;

/// <summary>Median, min and max wall time of repeated runs, in milliseconds.</summary>
public readonly record struct TimingStats(double MedianMs, double MinMs, double MaxMs, int Runs);
