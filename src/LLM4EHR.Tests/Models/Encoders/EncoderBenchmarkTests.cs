using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Tests.Models;

namespace LLM4EHR.Tests.Models.Encoders;

[Collection(ProcessMemoryCollection.Name)]
public class EncoderBenchmarkTests
{
    [Theory]
    [InlineData(EncoderFamily.Longformer)]
    [InlineData(EncoderFamily.BigBird)]
    [InlineData(EncoderFamily.Bert)]
    public void A_small_step_runs_and_reports_the_summary_keys(EncoderFamily family)
    {
        var result = EncoderBenchmark.Run(new EncoderBenchOptions
        {
            Family = family, Hidden = 16, Layers = 1, Heads = 2, Intermediate = 32, Vocab = 50, SequenceLength = 96,
            AttentionWindow = 8, BlockSize = 4, RandomBlocks = 1, Warmups = 0, Runs = 1, MatmulSize = 64, Threads = 1,
        });
        string line = result.ToSummary().ToString();
        Assert.StartsWith($"bench encoder: model={EncoderConfig.ModelTypeOf(family)} tokens=96 tok_s=", line);
        foreach (var key in new[] { "peak_rss_mb=", "step_rss_mb=", "scores_mb=", "full_scores_mb=", "scores_ratio=", "matmul_gflops=" })
            Assert.Contains(key, line);
        Assert.True(result.TokensPerSecond > 0);
        Assert.True(result.PeakRssMb >= result.StartRssMb);
        if (family == EncoderFamily.Bert)
            Assert.Equal(result.FullScoreBytes, result.ScoreBytes);
        else
            Assert.True(result.ScoreBytes < result.FullScoreBytes);
    }

    [Fact]
    public void Score_memory_follows_each_attention_pattern_at_4096_tokens()
    {
        var options = new EncoderBenchOptions();                                 // the bench defaults: 4 heads, T 4096
        var longformer = options.ToConfig();
        // Longformer window 512 (W 256): blocks of 256 queries see 3·256 keys + 1 global, 4096·769 scores per head.
        Assert.Equal(4.0 * 4 * 4096 * 769, EncoderBenchmark.ScoreBytes(longformer, 1, 4096));
        Assert.Equal(4.0 * 4 * 4096 * 4096, EncoderBenchmark.FullScoreBytes(longformer, 1, 4096));
        // BigBird S 64, R 3: 64 blocks; 2 global blocks see all 4096 keys, 62 middle blocks see (5 + 3)·64 keys.
        var bigBird = (options with { Family = EncoderFamily.BigBird }).ToConfig();
        Assert.Equal(4.0 * 4 * (2 * 64 * 4096 + 62 * 64 * 8 * 64), EncoderBenchmark.ScoreBytes(bigBird, 1, 4096));
        // Too short for block sparse ((5 + 2·3)·64 = 704 tokens): HF's fallback to full attention.
        Assert.Equal(EncoderBenchmark.FullScoreBytes(bigBird, 1, 704), EncoderBenchmark.ScoreBytes(bigBird, 1, 704));
    }
}
