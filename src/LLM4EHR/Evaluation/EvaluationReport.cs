using LLM4EHR.Data;
using LLM4EHR.IO;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Everything <see cref="Evaluator"/> measured on one prediction set. <see cref="Metrics"/> holds the headline
/// values under the fixture keys (<see cref="MetricKeys"/>); null marks a metric undefined on these data.
/// </summary>
public sealed class EvaluationReport
{
    public required ClinicalTask Task { get; init; }
    /// <summary>Number of stays scored.</summary>
    public required int Count { get; init; }
    public required double Threshold { get; init; }
    /// <summary>Headline metrics in <see cref="MetricKeys.Headline"/> order.</summary>
    public required IReadOnlyList<KeyValuePair<string, double?>> Metrics { get; init; }
    public required IReadOnlyList<LabelMetrics> PerLabel { get; init; }
    /// <summary>Bootstrap intervals by headline key; empty when the bootstrap was off.</summary>
    public required IReadOnlyDictionary<string, ConfidenceInterval> Intervals { get; init; }
    public required int BootstrapResamples { get; init; }
    public required int BootstrapSeed { get; init; }
    public required double LowerPercentile { get; init; }
    public required double UpperPercentile { get; init; }
    public required CalibrationSummary Calibration { get; init; }
    /// <summary>ROC and PR curves per label in label order, then (Pheno) the pooled "micro" curves.</summary>
    public required IReadOnlyList<LabelCurves> Curves { get; init; }

    /// <summary>The stays came from a generated (synthetic) cohort, not real data.</summary>
    public bool SyntheticData { get; init; }

    /// <summary>A headline value by key, e.g. <c>report["auroc"]</c>; throws for a key the task does not have.</summary>
    public double? this[string key] =>
        Metrics.FirstOrDefault(m => m.Key == key) is { Key: not null } hit
            ? hit.Value
            : throw new KeyNotFoundException($"{Task.Id()} has no metric '{key}'");

    /// <summary>Names of labels with a single class present (null AUROC/AUPRC, left out of macro means).</summary>
    public IReadOnlyList<string> SingleClassLabels => PerLabel.Where(l => l.Auroc is null).Select(l => l.Name).ToList();

    /// <summary>The metrics.json text (see <see cref="EvaluationReportJson"/>).</summary>
    public string ToJson(bool includeCurves = false) => EvaluationReportJson.Serialize(this, includeCurves);

    /// <summary>Writes metrics.json atomically (temp file + rename): a failed write leaves no partial file.</summary>
    public void WriteJson(string path, bool includeCurves = false) => AtomicFile.WriteAllText(path, ToJson(includeCurves));
}
