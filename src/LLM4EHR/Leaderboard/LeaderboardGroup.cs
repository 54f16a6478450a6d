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

/// <summary>
/// A variant against the task's reference variant on the same test stays, both as seed-averaged predictions:
/// <see cref="Auroc"/> = DeLong on AUROC (IHM) or macro AUROC (Pheno), <see cref="PerLabel"/> = DeLong per label
/// (one entry for IHM), <see cref="Bootstrap"/> = paired bootstrap differences of every headline metric (model − reference).
/// </summary>
public sealed record GroupComparison(string Reference, DeLongResult Auroc, IReadOnlyList<DeLongResult> PerLabel,
    IReadOnlyList<PairedDifference> Bootstrap)
{
    public PairedDifference this[string key] => Bootstrap.First(d => d.Key == key);
}

/// <summary>Mean and sample standard deviation (n − 1) of one value over seeds; NaN values are left out, sd is NaN for n &lt; 2.</summary>
public sealed record MetricSummary(double Mean, double Sd, int N)
{
    public static MetricSummary Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
            return new MetricSummary(double.NaN, double.NaN, 0);
        double mean = v.Average();
        double sd = v.Length < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MetricSummary(mean, sd, v.Length);
    }
}
