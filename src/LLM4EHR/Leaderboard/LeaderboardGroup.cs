using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// One model variant of one task on the leaderboard: its runs (one per seed, usually), per-run metrics summarised as
/// mean ± sd over the runs, the evaluation of its seed-averaged predictions (with the bootstrap CIs), parameter counts,
/// throughput, and — unless it is the reference — its paired comparison with the reference.
/// </summary>
public sealed record LeaderboardGroup
{
    public required string Name { get; init; }
    public required ClinicalTask Task { get; init; }
    public required IReadOnlyDictionary<string, string> Identity { get; init; }
    public required IReadOnlyList<LeaderboardRun> Runs { get; init; }
    /// <summary>Mean ± sd over runs of each headline metric, <c>brier</c> and <c>ece</c>.</summary>
    public required IReadOnlyDictionary<string, MetricSummary> Metrics { get; init; }
    /// <summary>The seed-averaged predictions (reference stay order) scored with bootstrap CIs.</summary>
    public required EvaluationReport Averaged { get; init; }
    public required PredictionSet AveragedPredictions { get; init; }
    /// <summary>Null when the base model's config.json is not on this machine (nothing to count from).</summary>
    public required ParameterCount? Parameters { get; init; }
    public required MetricSummary TokensPerSecond { get; init; }
    public required MetricSummary TrainSeconds { get; init; }
    public required bool IsReference { get; init; }
    public GroupComparison? Comparison { get; init; }

    public IReadOnlyList<int> Seeds => Runs.Select(r => r.Seed).ToList();

    /// <summary>The ROC metric the leaderboard ranks and compares by: <c>auroc</c> (IHM) or <c>auroc_macro</c> (Pheno).</summary>
    public static string AurocKey(ClinicalTask task) => task == ClinicalTask.Ihm ? MetricKeys.Auroc : MetricKeys.AurocMacro;

    /// <summary>The precision-recall metrics compared by paired bootstrap: <c>auprc</c>, or <c>auprc_macro</c> and <c>auprc_micro</c>.</summary>
    public static IReadOnlyList<string> AuprcKeys(ClinicalTask task) =>
        task == ClinicalTask.Ihm ? [MetricKeys.Auprc] : [MetricKeys.AuprcMacro, MetricKeys.AuprcMicro];
}
