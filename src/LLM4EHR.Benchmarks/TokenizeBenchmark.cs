using LLM4EHR.Data;
using LLM4EHR.IO;
using LLM4EHR.Text;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench tokenize</c>: note selection + tokenization of a synthetic split with the embedded tokenizer and the
/// seed's IHM settings, then loading the same split from the tokenized-split cache.
/// </summary>
public static class TokenizeBenchmark
{
    public static TokenizeBenchResult Run(TokenizeBenchOptions options, IProgress<string>? progress = null)
    {
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        progress?.Report($"generating {options.Stays} synthetic IHM stays");
        var stays = SyntheticClinicalNotes.Stays(options.Stays, ClinicalTask.Ihm, options.Seed);
        var settings = new NoteSelectionSettings();

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var tokenizer = Llama3Tokenizer.Embedded;
        double loadMs = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        progress?.Report($"tokenizing on {threads} threads, median of {options.Runs} after a warm-up");
        TokenizedSplit? split = null;
        var tokenize = BenchTimer.Measure(
            () => split = SplitTokenizer.Tokenize(stays, tokenizer, settings, threads), warmups: 1, runs: options.Runs);

        var folder = Path.Combine(Path.GetTempPath(), $"llm4ehr-bench-tokenize-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            // The cache keys on a data file's identity; a stand-in file plays the pickle the stays came from.
            var dataFile = Path.Combine(folder, "bench_p2x_data.pkl");
            AtomicFile.WriteAllText(dataFile, "synthetic");
            var cache = new TokenizedSplitCache(Path.Combine(folder, "cache"));
            var written = cache.GetOrCreate(dataFile, tokenizer, settings, () => stays, threads);
            double cacheMb = new FileInfo(written.CachePath).Length / 1e6;

            progress?.Report("loading the tokenized split from the cache");
            var cached = BenchTimer.Measure(() =>
            {
                var hit = cache.GetOrCreate(dataFile, tokenizer, settings, () => throw new InvalidOperationException("cache miss"));
                if (hit.Split.Summary.Tokens != split!.Summary.Tokens)
                    throw new InvalidOperationException("cached split differs from the tokenized one");
            }, warmups: 1, runs: Math.Max(options.Runs, 5));

            return new TokenizeBenchResult(split!.Stays.Count, split.Summary.Tokens, threads, tokenize, cached, cacheMb, loadMs, split.Summary);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Settings of <c>bench tokenize</c> (<see cref="TokenizeBenchmark"/>); Threads 0 = all cores.</summary>
public sealed record TokenizeBenchOptions(int Stays = 4000, int Threads = 0, int Runs = 3, int Seed = 1);

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
