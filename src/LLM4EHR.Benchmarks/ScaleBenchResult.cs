using LLM4EHR.Models;

namespace LLM4EHR.Benchmarks;

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
