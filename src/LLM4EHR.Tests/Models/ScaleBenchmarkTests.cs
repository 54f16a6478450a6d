using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Llama;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// bench scale's code path end to end on a small sharded bf16 model (the 8B run is `llm4ehr bench scale`, never a
/// test); memory figures are for the bench, only their presence and the tensor bytes are asserted.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public class ScaleBenchmarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scale-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly LlamaConfig Small =
        new TinyLlamaOptions { Hidden = 64, Layers = 2, Heads = 4, KvHeads = 2, VocabSize = 500 }.ToConfig() with { TorchDtype = "bfloat16" };

    [Fact]
    public void A_sharded_model_loads_quantized_trains_one_step_and_reports_the_summary_keys()
    {
        TinyLlamaWriter.Write(_dir, Small, seed: 2, maxShardBytes: 100_000);
        var messages = new List<string>();

        var result = ScaleBenchmark.Run(new ScaleBenchOptions { ModelFolder = _dir, SequenceLength = 24 },
            new LLM4EHR.Runtime.InlineProgress<string>(messages.Add));

        Assert.Equal(LlamaMemoryEstimate.For(Small).Parameters, result.Parameters);
        Assert.True(result.Tensors.Nf4 > 0 && result.Tensors.Embeddings == 500L * 64 * 4, $"{result.Tensors}");
        // LoRA r 8 on q_proj and v_proj of both layers: A [8, 64] and B [out, 8].
        Assert.Equal(2L * 8 * (64 + 64 + 64 + 32) * 4, result.Tensors.Trainable);
        Assert.InRange(result.WeightsMb / result.PlanWeightsMb, 0.85, 1.15);
        Assert.True(result.StepSeconds > 0 && result.EvalSeconds > 0 && result.LoadSeconds > 0);
        string line = result.ToSummary().ToString();
        Assert.StartsWith("bench scale: params=", line);
        foreach (var key in new[] { "nf4_mb=", "load_s=", "peak_rss_mb=", "rss_ratio=", "step_s=", "eval_s=", "step_peak_rss_mb=", "baseline_rss_mb=", "embed_mb=" })
            Assert.Contains(key, line);
        if (OperatingSystem.IsLinux())
            Assert.True(result.LoadPeakMb >= result.BaselineMb && result.StepPeakMb > 0, line);
        Assert.Contains(messages, m => m.StartsWith("loaded in", StringComparison.Ordinal));
    }

    [Fact]
    public void Bench_scale_needs_a_model_and_never_overwrites_a_different_one()
    {
        var main = typeof(LLM4EHR.Cli.CommandCatalog).Assembly.EntryPoint!;
        int Run(params string[] args) => (int)main.Invoke(null, [args])!;
        TinyLlamaWriter.Write(_dir, Small, seed: 2);
        string before = File.ReadAllText(Path.Combine(_dir, LlamaConfig.FileName));

        Assert.Equal(2, Run("bench", "scale"));
        Assert.Equal(2, Run("bench", "scale", "--model", Path.Combine(_dir, "missing")));
        Assert.Equal(2, Run("bench", "scale", "--model", _dir, "--preset", "llama3-8b"));
        Assert.Equal(before, File.ReadAllText(Path.Combine(_dir, LlamaConfig.FileName)));
        Assert.False(File.Exists(Path.Combine(_dir, "model-00001-of-00004.safetensors")));
    }
}
