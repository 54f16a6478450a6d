using System.Diagnostics;
using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Training;
using TorchSharp;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench demo</c>: the demo training run exactly as <c>llm4ehr train</c> runs it (same config, same runner), into a
/// temporary run folder with a temporary token cache, so every run tokenizes from scratch and leaves nothing behind.
/// The demo cohort and tiny model are created where the config says when missing, and reused afterwards.
/// </summary>
public static class DemoBenchmark
{
    public static DemoBenchResult Run(DemoBenchOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var config = ExperimentConfigLoader.Load(options.ConfigPath, options.Overrides);
        string scratch = Directory.CreateTempSubdirectory("llm4ehr-bench-demo-").FullName;
        try
        {
            var rates = new List<double>();
            bool created = false;
            var runner = new ExperimentRunner(config)
            {
                TokenCacheDirectory = Path.Combine(scratch, "cache"),
                BootstrapResamples = options.BootstrapResamples,
                Stages = new InlineProgress<ExperimentStage>(s =>
                {
                    created |= s.Name == "demo";
                    progress?.Report($"{s.Name}: {s.Detail}");
                }),
                TrainingProgress = new InlineProgress<TrainingProgress>(p =>
                {
                    if (p.Phase == TrainingPhase.Train)
                        rates.Add(p.TokensPerSecond);
                    else
                        progress?.Report($"epoch {p.Epoch}/{p.Epochs}: median {BenchTimer.Median(rates).ToString("F0", CultureInfo.InvariantCulture)} tok/s so far");
                }),
            };
            var clock = Stopwatch.StartNew();
            var result = runner.Train(Path.Combine(scratch, "run"), cancellationToken: cancellationToken);
            double wall = clock.Elapsed.TotalSeconds;
            if (result.Test is null)
                throw new OperationCanceledException("bench demo: training was interrupted", cancellationToken);
            string auroc = config.Task == ClinicalTask.Ihm ? "auroc" : "auroc_macro";

            var dtype = ClassifierFactory.ResolveCompute(config.Model).Dtype;
            progress?.Report($"measuring the {dtype} {options.MatmulSize}^3 matmul reference");
            double matmul = MatmulReference.MeasureGflops(options.MatmulSize, dtype: dtype);
            // FLOPs per token by the train-step convention at the longest sequence the config allows: an upper bound on
            // the attention share when notes are shorter.
            int t = config.Text.MaxTokens;
            double flopsPerToken = TrainStepBenchmark.FlopsPerStep(Models.Llama.LlamaConfig.Load(config.Model.Path), 1, t) / t;
            return new DemoBenchResult(BenchTimer.Median(rates), rates.Count, wall, result.Test[auroc] ?? double.NaN, matmul, created)
            {
                Dtype = dtype, FlopsPerToken = flopsPerToken, Peak = CpuPeak.For(dtype, torch.get_num_threads()),
            };
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}

/// <summary>What <c>llm4ehr bench demo</c> runs: an experiment config (the IHM demo by default) and overrides.</summary>
public sealed record DemoBenchOptions
{
    public string ConfigPath { get; init; } = "config/demo-ihm.yaml";
    /// <summary><c>key.path=value</c> overrides, as <c>llm4ehr train --set</c>.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    public int BootstrapResamples { get; init; } = 1000;
    /// <summary>Size of the f32 matmul yardstick (2048 per BENCHMARKS.md; smaller only for smoke tests).</summary>
    public int MatmulSize { get; init; } = 2048;
}

/// <summary>
/// What <see cref="DemoBenchmark"/> measured. <see cref="TokensPerSecond"/>: the median over optimizer steps of real
/// training tokens per second. <see cref="WallSeconds"/>: the whole run (demo assets when missing, tokenization,
/// model load, training with validation, test evaluation). <see cref="Ratio"/>: tokens per second per GFLOP/s of
/// this process's matmul at the run's dtype, so machines and loads compare. <see cref="Mfu"/> and <see cref="MfuPeak"/>
/// use <see cref="FlopsPerToken"/> (the train-step FLOP convention at the config's max_tokens).
/// </summary>
public sealed record DemoBenchResult(double TokensPerSecond, int Steps, double WallSeconds, double TestAuroc, double MatmulGflops,
    bool AssetsCreated)
{
    public double Ratio => TokensPerSecond / MatmulGflops;
    public TorchSharp.torch.ScalarType Dtype { get; init; } = TorchSharp.torch.ScalarType.Float32;
    public double FlopsPerToken { get; init; }
    public CpuPeak? Peak { get; init; }
    public double Gflops => TokensPerSecond * FlopsPerToken / 1e9;
    public double Mfu => Gflops / MatmulGflops;
    public double MfuPeak => Peak is null ? double.NaN : Gflops / Peak.Gflops;

    public BenchSummary ToSummary() => new BenchSummary("demo")
        .Add("tok_s", TokensPerSecond, 1)
        .Add("wall_s", WallSeconds, 1)
        .Add("test_auroc", TestAuroc, 4)
        .Add("matmul_gflops", MatmulGflops, 2)
        .Add("ratio", Ratio, 2)
        .Add("gflops", Gflops, 2)
        .Add("mfu", Mfu, 3)
        .AddPeak(Dtype, Peak ?? CpuPeak.For(Dtype, 1), MfuPeak)
        .Add("steps", Steps)
        .Add("assets", AssetsCreated ? "created" : "reused");
}
