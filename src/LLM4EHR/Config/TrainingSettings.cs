using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Optimisation settings. <paramref name="BatchSize"/> is per micro-batch; one optimizer step sees
/// <paramref name="BatchSize"/> × <paramref name="GradAccum"/> stays. <paramref name="MaxGradNorm"/> 0 disables clipping;
/// <paramref name="EarlyStoppingPatience"/> 0 disables early stopping; <paramref name="Threads"/> 0 keeps libtorch's default;
/// <paramref name="CheckpointEverySteps"/> 0 checkpoints for resume only at evaluations and on cancellation.
/// <paramref name="BestMetric"/> is a key of the metrics dictionary (or <c>loss</c>, the mean validation BCE, lower is better).
/// <paramref name="PosWeight"/>: null, one weight for every label, or one per label (BCE positive-class weight).
/// <see cref="HeadLr"/>: peak learning rate of the classification head (null: <paramref name="Lr"/>); a freshly
/// initialised head usually wants a larger rate than the adapters. Both follow the same warmup/decay schedule.
/// </summary>
public sealed record TrainingSettings(
    int Epochs, int BatchSize, int EvalBatchSize, int GradAccum, double Lr, double WeightDecay, double WarmupRatio, double MaxGradNorm,
    int Seed, int EvalEvery, int EarlyStoppingPatience, string BestMetric, double[]? PosWeight, int Threads, int CheckpointEverySteps)
{
    public double? HeadLr { get; init; }

    /// <summary>The head's peak learning rate.</summary>
    public double EffectiveHeadLr => HeadLr ?? Lr;

    /// <summary>The seed's choice of model-selection metric per task.</summary>
    public static string DefaultBestMetric(ClinicalTask task) => task == ClinicalTask.Ihm ? "auprc" : "auroc_macro";

    internal static TrainingSettings Read(ConfigSection s, ClinicalTask task)
    {
        int batch = s.Int("batch_size", 4, min: 1);
        var t = new TrainingSettings(
            Epochs: s.Int("epochs", 5, min: 1),
            BatchSize: batch,
            EvalBatchSize: s.Int("eval_batch_size", batch, min: 1),
            GradAccum: s.Int("grad_accum", 1, min: 1),
            Lr: s.Number("lr", 2e-5, min: 0, exclusiveMin: true),
            WeightDecay: s.Number("weight_decay", 0.01, min: 0),
            WarmupRatio: s.Number("warmup_ratio", 0.1, min: 0, max: 1),
            MaxGradNorm: s.Number("max_grad_norm", 1.0, min: 0),
            Seed: s.Int("seed", 42),
            EvalEvery: s.Int("eval_every", 1, min: 1),
            EarlyStoppingPatience: s.Int("early_stopping_patience", 0, min: 0),
            BestMetric: s.Text("best_metric", DefaultBestMetric(task)),
            PosWeight: s.OptionalNumbers("pos_weight", min: 0, exclusiveMin: true),
            Threads: s.Int("threads", 0, min: 0),
            CheckpointEverySteps: s.Int("checkpoint_every_steps", 0, min: 0))
        {
            HeadLr = s.Has("head_lr") ? s.Number("head_lr", 0, min: 0, exclusiveMin: true) : null,
        };
        // Checked here, not after the first epoch: a typo must fail before hours of training.
        var metrics = MetricKeys.Validation(task);
        if (!metrics.Contains(t.BestMetric))
            throw s.Error("best_metric", $"'{t.BestMetric}' is not a {task.Id()} validation metric (expected one of {string.Join(", ", metrics)})");
        if (t.PosWeight is { Length: var n } && n != 1 && n != task.LabelCount())
            throw s.Error("pos_weight", $"expected one number or {task.LabelCount()} (one per {task.Id()} label), got {n}");
        s.Finish();
        return t;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("epochs", YamlOut.Int(Epochs)), ("batch_size", YamlOut.Int(BatchSize)), ("eval_batch_size", YamlOut.Int(EvalBatchSize)),
        ("grad_accum", YamlOut.Int(GradAccum)), ("lr", YamlOut.Num(Lr)), ("head_lr", HeadLr is { } h ? YamlOut.Num(h) : YamlOut.Null), ("weight_decay", YamlOut.Num(WeightDecay)),
        ("warmup_ratio", YamlOut.Num(WarmupRatio)), ("max_grad_norm", YamlOut.Num(MaxGradNorm)), ("seed", YamlOut.Int(Seed)),
        ("eval_every", YamlOut.Int(EvalEvery)), ("early_stopping_patience", YamlOut.Int(EarlyStoppingPatience)),
        ("best_metric", YamlOut.Text(BestMetric)), ("pos_weight", YamlOut.Nums(PosWeight)), ("threads", YamlOut.Int(Threads)),
        ("checkpoint_every_steps", YamlOut.Int(CheckpointEverySteps)));
}
