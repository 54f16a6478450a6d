using System.Text.Json;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// A temp folder holding a small but real experiment: the demo path (synthetic p2x cohort of 120 training stays,
/// a tiny random Llama of hidden 32 / 2 layers with the embedded tokenizer's vocabulary, both written on first use),
/// 128-token sequences, LoRA on q/v, a private token cache. Small enough that a training run takes seconds.
/// </summary>
public sealed class ExperimentSandbox : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Lazy<ExperimentResult> _baseline;

    public ExperimentSandbox() => _baseline = new(() => Runner(Config()).Train());

    /// <summary>The small config trained once, uninterrupted, into <c>RunDir("default")</c> (on first use).</summary>
    public ExperimentResult Baseline => _baseline.Value;

    public string Root => _folder.Path;
    public string DataRoot => Path.Combine(Root, "data");
    public string ModelPath => Path.Combine(Root, "model");
    public string CacheDirectory => Path.Combine(Root, "cache");

    public string RunDir(string name) => Path.Combine(Root, "runs", name);

    /// <summary>The small experiment's YAML (run_dir: runs/default under the sandbox).</summary>
    public string Yaml => $"""
        task: ihm
        data:
          root: "{DataRoot}"
          demo: true
          demo_stays: 120
          demo_seed: 3
        model:
          path: "{ModelPath}"
          tiny:
            hidden: 32
            layers: 2
            heads: 4
            kv_heads: 2
            intermediate: 64
            seed: 5
          device: cpu
          dtype: float32
        lora:
          enabled: true
          r: 4
          alpha: 16
          dropout: 0.1
          targets: [q_proj, v_proj]
        text:
          max_notes: 3
          max_tokens: 128
        training:
          epochs: 2
          batch_size: 8
          eval_batch_size: 16
          lr: 3e-3
          seed: 42
          best_metric: auprc
        output:
          run_dir: "{RunDir("default")}"
        """;

    /// <summary>The small config with <c>--set</c>-style overrides (e.g. <c>training.epochs=1</c>).</summary>
    public ExperimentConfig Config(params string[] overrides) => ExperimentConfigLoader.Parse(Yaml, "small.yaml", overrides);

    /// <summary>A runner over this sandbox's token cache, with a small bootstrap so evaluation stays fast.</summary>
    public ExperimentRunner Runner(ExperimentConfig config, IProgress<TrainingProgress>? training = null,
        IProgress<ExperimentStage>? stages = null) =>
        new(config)
        {
            TokenCacheDirectory = CacheDirectory,
            BootstrapResamples = Bootstrap,
            TrainingProgress = training,
            Stages = stages,
        };

    public const int Bootstrap = 50;

    /// <summary>Tensor names saved in a run's best checkpoint.</summary>
    public static IReadOnlyCollection<string> SavedTensorNames(string runDir)
    {
        using var file = SafeTensorsFile.Open(RunLayout.BestWeights(runDir));
        return file.Tensors.Keys.ToList();
    }

    /// <summary>log.jsonl records of one type ("step" or "epoch").</summary>
    public static List<JsonElement> LogRecords(string runDir, string type) =>
        File.ReadLines(RunLayout.Log(runDir)).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(r => r.GetProperty("type").GetString() == type).ToList();

    public void Dispose() => _folder.Dispose();
}
