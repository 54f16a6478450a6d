using LLM4EHR.Text;

namespace LLM4EHR.Benchmarks;

/// <summary>What <see cref="TokenizeBenchmark"/> measured, and its one-line summary.</summary>
public sealed record TokenizeBenchResult(
    int Stays, long Tokens, int Threads, TimingStats Tokenize, TimingStats Cached, double CacheMb,
    double TokenizerLoadMs, TokenizationSummary Summary)
{
    public double TokensPerSecond => Tokens / (Tokenize.MedianMs / 1000.0);
    public double CacheSpeedup => Tokenize.MedianMs / Cached.MedianMs;

    public BenchSummary ToSummary() => new BenchSummary("tokenize")
        .Add("stays", Stays)
        .Add("tokens", Tokens)
        .Add("tok_s", TokensPerSecond, 0)
        .Add("threads", Threads)
        .Add("tok_s_per_thread", TokensPerSecond / Threads, 0)
        .Add("ms", Tokenize.MedianMs, 1)
        .Add("cached_ms", Cached.MedianMs, 1)
        .Add("cache_speedup", CacheSpeedup, 1)
        .Add("cache_mb", CacheMb, 1);
}
