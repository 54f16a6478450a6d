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
