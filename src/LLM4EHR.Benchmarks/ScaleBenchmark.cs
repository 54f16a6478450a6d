using System.Diagnostics;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Memory;
using LLM4EHR.Models;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench scale</c>: a model folder at a real shape (e.g. Llama-3-8B) loaded as QLoRA loads it, then one training
/// step and one eval forward (see <see cref="ScaleBenchOptions"/>). Memory comes from /proc: the high-water mark is
/// reset right before the load and again before the step, so each peak belongs to that stage alone; run it in a
/// process of its own (nothing else allocating meanwhile).
/// </summary>
public static class ScaleBenchmark
{
    public static ScaleBenchResult Run(ScaleBenchOptions o, IProgress<string>? progress = null)
    {
        var config = LlamaConfig.Load(o.ModelFolder);
        using (zeros(1)) { } // libtorch and its thread pool are part of the baseline, not of the load
        GC.Collect();
        GlibcMalloc.Trim();
        var lora = new Models.Lora.LoraSettings { R = o.LoraRank, Alpha = o.LoraAlpha, Targets = o.LoraTargets, Seed = o.Seed };

        PooledClassifier model;
        double baseline, loadPeak, held, loadSeconds;
        bool exact;
        using (var meter = PeakRssMeter.Start())
        {
            baseline = meter.StartMb;
            exact = meter.Exact;
            progress?.Report($"loading {o.ModelFolder} (NF4 + double quant, LoRA r {o.LoraRank} on {string.Join('/', o.LoraTargets)}); baseline RSS {baseline:F0} MiB");
            long start = Stopwatch.GetTimestamp();
            int reported = 0;
            var tensors = new InlineProgress<(int Done, int Total)>(p =>
            {
                int tenths = p.Done * 10 / p.Total;
                if (tenths > reported)
                    progress?.Report($"  {p.Done}/{p.Total} tensors, RSS {ProcessMemory.CurrentRssMb():F0} MiB");
                reported = Math.Max(reported, tenths);
            });
            model = ClassifierFactory.Build(o.ModelFolder, new QuantizationSettings(Nf4: true, DoubleQuant: true), lora,
                gradientCheckpointing: true, labelCount: 1, o.Seed, ComputeDevice.Cpu, tensors);
            loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            loadPeak = meter.PeakMb();
            held = ProcessMemory.CurrentRssMb() ?? double.NaN;
        }
        using (model)
        {
            var bytes = ModelTensorBytes.Of(model.Backbone.Module);
            progress?.Report($"loaded in {loadSeconds:F0} s: peak RSS {loadPeak:F0} MiB, held {held:F0} MiB, weights {bytes.Frozen / ScaleBenchResult.Mb:F0} MiB");
            using var batch = RandomTokenBatch.Create(config.VocabSize, 1, o.SequenceLength, 1, o.Seed);
            var (stepSeconds, stepPeak) = TrainStep(model, batch, progress);
            progress?.Report($"train step {stepSeconds:F0} s, peak RSS {stepPeak:F0} MiB; eval forward");
            double evalSeconds = EvalForward(model, batch);
            var plan = MemoryPlan.For(PlanRequest(config, o));
            return new ScaleBenchResult(LlamaMemoryEstimate.For(config).Parameters, bytes, baseline, loadPeak, held, loadSeconds,
                stepPeak, stepSeconds, evalSeconds, exact, plan.WeightBytes / ScaleBenchResult.Mb, baseline + plan.PeakBytes / ScaleBenchResult.Mb);
        }
    }

    /// <summary>The plan of this bench's run on the CPU (f32 compute, no CUDA allowance).</summary>
    public static MemoryPlanRequest PlanRequest(LlamaConfig config, ScaleBenchOptions o) => new()
    {
        Model = config, SequenceLength = o.SequenceLength, BatchSize = 1, Weights = WeightFormat.Nf4DoubleQuant,
        Compute = ScalarType.Float32, Cuda = false, LoraRank = o.LoraRank, LoraTargets = o.LoraTargets,
        Labels = 1, GradientCheckpointing = true, Padding = false,
    };

    // One QLoRA step: BCE on the pooled head, backward through checkpointed layers, AdamW over LoRA + head.
    private static (double Seconds, double PeakMb) TrainStep(PooledClassifier model, StayBatch batch, IProgress<string>? progress)
    {
        using var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: 1e-4);
        model.SetTrainingMode(true);
        GlibcMalloc.Trim();
        using var meter = PeakRssMeter.Start();
        long start = Stopwatch.GetTimestamp();
        StepMemoryProbe.Step(model, optimizer, batch, loss =>
            progress?.Report($"forward done ({Stopwatch.GetElapsedTime(start).TotalSeconds:F0} s, loss {loss.item<float>():F4}); backward"));
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, meter.PeakMb());
    }

    private static double EvalForward(PooledClassifier model, StayBatch batch)
    {
        model.SetTrainingMode(false);
        long start = Stopwatch.GetTimestamp();
        using (no_grad())
        using (var scope = NewDisposeScope())
            model.Logits(batch).item<float>();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}

/// <summary>
/// <c>bench scale</c>: a model folder loaded as the QLoRA configs load it (NF4 + double quantization, LoRA r 8 /
/// alpha 32 on q_proj and v_proj, gradient checkpointing), then one training step and one eval forward on one
/// sequence of <see cref="SequenceLength"/> random, all-real tokens.
/// </summary>
public sealed record ScaleBenchOptions
{
    public required string ModelFolder { get; init; }
    public int SequenceLength { get; init; } = 256;
    public int LoraRank { get; init; } = 8;
    public double LoraAlpha { get; init; } = 32;
    public IReadOnlyList<string> LoraTargets { get; init; } = ["q_proj", "v_proj"];
    public long Seed { get; init; } = 1;
}

/// <summary>
/// What <see cref="ScaleBenchmark"/> measured. Memory in MiB from /proc: <see cref="BaselineMb"/> is the runtime's RSS
/// before loading, <see cref="LoadPeakMb"/> the peak RSS while loading, <see cref="HeldMb"/> the RSS once loaded,
/// <see cref="StepPeakMb"/> the peak RSS of the training step; <see cref="Tensors"/> are the exact bytes the model
/// holds. <see cref="RssRatio"/> = load peak ÷ (frozen weights as held + baseline): 1.0 means loading needed no
/// memory beyond what it keeps.
/// </summary>
public sealed record ScaleBenchResult(long Parameters, ModelTensorBytes Tensors, double BaselineMb, double LoadPeakMb, double HeldMb,
    double LoadSeconds, double StepPeakMb, double StepSeconds, double EvalSeconds, bool ExactPeaks, double PlanWeightsMb, double PlanStepPeakMb)
{
    public const double Mb = 1024.0 * 1024.0;

    public double WeightsMb => Tensors.Frozen / Mb;
    public double RssRatio => LoadPeakMb / (WeightsMb + BaselineMb);

    public BenchSummary ToSummary() => new BenchSummary("scale")
        .Add("params", Parameters)
        .Add("nf4_mb", Tensors.Nf4 / Mb, 1)
        .Add("embed_mb", Tensors.Embeddings / Mb, 1)
        .Add("weights_mb", WeightsMb, 1)
        .Add("load_s", LoadSeconds, 1)
        .Add("baseline_rss_mb", BaselineMb, 1)
        .Add("peak_rss_mb", LoadPeakMb, 1)
        .Add("held_rss_mb", HeldMb, 1)
        .Add("rss_ratio", RssRatio, 3)
        .Add("step_s", StepSeconds, 1)
        .Add("step_peak_rss_mb", StepPeakMb, 1)
        .Add("eval_s", EvalSeconds, 1)
        .Add("plan_weights_mb", PlanWeightsMb, 1)
        .Add("plan_step_peak_rss_mb", PlanStepPeakMb, 1)
        .Add("peak", ExactPeaks ? "hwm" : "sampled");
}
