using LLM4EHR.Models;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.BigBird;
using LLM4EHR.Models.Lora;
using LLM4EHR.Text;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention heads; W one-sided Longformer window,
// S BigBird block size, R random blocks.

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench encoder</c>: one training step (forward + backward + AdamW) of a small random clinical encoder at a long
/// sequence (4096 tokens by default), as the classifier runs it: frozen base, LoRA r 8 / alpha 32 on query and value,
/// mean-pooled head, BCE. Reports tokens/s, the step's peak RSS, and the attention score memory of one layer for this
/// family's pattern beside what a full T×T attention would need at the same length.
/// </summary>
public static class EncoderBenchmark
{
    public static EncoderBenchResult Run(EncoderBenchOptions o, IProgress<string>? progress = null)
    {
        int callerThreads = get_num_threads();
        set_num_threads(o.Threads);
        try
        {
            return Measure(o, progress);
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    private static EncoderBenchResult Measure(EncoderBenchOptions o, IProgress<string>? progress)
    {
        var config = o.ToConfig();
        var backbone = EncoderRandomWeights.Create(config, o.Seed);
        backbone.GradientCheckpointing = o.GradientCheckpointing;
        using var classifier = new PooledClassifier(backbone, new PooledClassifierHead(config.HiddenSize, 1, o.Seed),
            new LoraSettings { R = 8, Alpha = 32, Targets = ["query", "value"], Seed = o.Seed });
        classifier.SetTrainingMode(true);
        using var optimizer = optim.AdamW(classifier.TrainableParameters().Select(p => p.Parameter), lr: 1e-4);

        using var data = NewDisposeScope();
        var ids = randint(3, config.VocabSize, [o.BatchSize, o.SequenceLength]);
        var mask = ones(o.BatchSize, o.SequenceLength, dtype: ScalarType.Int64);   // all tokens real
        using var batch = new StayBatch(ids, mask, TokenCollator.PositionIdsFromMask(mask),
            randint(0, 2, [o.BatchSize, 1]).to_type(ScalarType.Float32), [.. Enumerable.Range(0, o.BatchSize).Select(i => $"s{i}")]);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = ClassificationLoss.BceWithLogits(classifier.Logits(batch), batch.Labels);
            loss.backward();
            optimizer.step();
        }

        progress?.Report($"{config.ModelType}: {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, " +
                         $"T {o.SequenceLength}, batch {o.BatchSize}, {o.Threads} threads{(o.GradientCheckpointing ? ", checkpointing" : "")}");
        TimingStats timing;
        double peakMb, startMb;
        using (var meter = PeakRssMeter.Start())
        {
            startMb = meter.StartMb;
            timing = BenchTimer.Measure(Step, o.Warmups, o.Runs);
            peakMb = meter.PeakMb();
        }
        progress?.Report($"measuring the f32 {o.MatmulSize}^3 matmul reference");
        double matmul = MatmulReference.MeasureGflops(o.MatmulSize);
        return new EncoderBenchResult(config, o.BatchSize, o.SequenceLength, timing, peakMb, startMb,
            ScoreBytes(config, o.BatchSize, o.SequenceLength), FullScoreBytes(config, o.BatchSize, o.SequenceLength), matmul);
    }

    /// <summary>Bytes of one layer's f32 attention scores for a full T×T attention: B·A·T².</summary>
    public static double FullScoreBytes(EncoderConfig c, int batch, int t) => 4.0 * batch * c.NumAttentionHeads * t * (double)t;

    /// <summary>
    /// Bytes of one layer's f32 attention scores as this project computes them: Longformer B·A·⌈T/W⌉W·(3W + 1) (blocks of
    /// W queries against three key blocks, plus the one global key); BigBird block sparse B·A·(2S·T' + (N-2)·S·(5+R)S)
    /// with T' = N·S; full attention (BERT, BigBird's fallback) B·A·T².
    /// </summary>
    public static double ScoreBytes(EncoderConfig c, int batch, int t)
    {
        double ba = 4.0 * batch * c.NumAttentionHeads;
        switch (c.Family)
        {
            case EncoderFamily.Longformer:
                long w = c.AttentionWindow.Max() / 2, padded = (t + w - 1) / w * w;
                return ba * padded * (3 * w + 1);
            case EncoderFamily.BigBird when BigBirdSelfAttention.UsesBlockSparse(c, t):
                long s = c.BlockSize, n = (t + s - 1) / s;
                return ba * (2 * s * n * s + (n - 2) * s * (5 + c.NumRandomBlocks) * s);
            default:
                return FullScoreBytes(c, batch, t);
        }
    }
}

/// <summary>What <see cref="EncoderBenchmark"/> measured.</summary>
public sealed record EncoderBenchResult(EncoderConfig Config, int BatchSize, int SequenceLength, TimingStats Step,
    double PeakRssMb, double StartRssMb, double ScoreBytes, double FullScoreBytes, double MatmulGflops)
{
    private const double Mb = 1024.0 * 1024.0;

    public long Tokens => (long)BatchSize * SequenceLength;
    public double TokensPerSecond => Tokens / (Step.MedianMs / 1000.0);

    public BenchSummary ToSummary() => new BenchSummary("encoder")
        .Add("model", Config.ModelType)
        .Add("tokens", Tokens)
        .Add("tok_s", TokensPerSecond, 1)
        .Add("step_ms", Step.MedianMs, 1)
        .Add("min_ms", Step.MinMs, 1)
        .Add("max_ms", Step.MaxMs, 1)
        .Add("peak_rss_mb", PeakRssMb, 1)
        .Add("step_rss_mb", PeakRssMb - StartRssMb, 1)
        .Add("scores_mb", ScoreBytes / Mb, 1)
        .Add("full_scores_mb", FullScoreBytes / Mb, 1)
        .Add("scores_ratio", ScoreBytes / FullScoreBytes, 4)
        .Add("matmul_gflops", MatmulGflops, 2)
        .Add("tok_s_per_matmul_gflops", TokensPerSecond / MatmulGflops, 3);
}

/// <summary>The model and step of <c>llm4ehr bench encoder</c> (defaults: Benchmarks/README.md).</summary>
public sealed record EncoderBenchOptions
{
    public EncoderFamily Family { get; init; } = EncoderFamily.Longformer;
    public int Hidden { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int Intermediate { get; init; } = 1024;
    public int Vocab { get; init; } = 1000;
    public int SequenceLength { get; init; } = 4096;
    public int BatchSize { get; init; } = 1;
    /// <summary>Longformer's full window (Clinical-Longformer: 512).</summary>
    public int AttentionWindow { get; init; } = 512;
    /// <summary>BigBird's block size and random blocks (Clinical-BigBird: 64, 3).</summary>
    public int BlockSize { get; init; } = 64;
    public int RandomBlocks { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public int Warmups { get; init; } = 1;
    public int Runs { get; init; } = 3;
    public bool GradientCheckpointing { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>Size of the matmul yardstick (2048 per BENCHMARKS.md; smaller only for smoke tests).</summary>
    public int MatmulSize { get; init; } = 2048;

    public EncoderConfig ToConfig() => new TinyEncoderOptions
    {
        Family = Family, Hidden = Hidden, Layers = Layers, Heads = Heads, Intermediate = Intermediate, VocabSize = Vocab,
        MaxTokens = SequenceLength, AttentionWindow = AttentionWindow, BlockSize = BlockSize, NumRandomBlocks = RandomBlocks, Seed = Seed,
    }.ToConfig();
}
