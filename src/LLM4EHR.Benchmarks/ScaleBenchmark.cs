using System.Diagnostics;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Models;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Memory;
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
