using LLM4EHR.Evaluation;
using LLM4EHR.Training;
using Microsoft.Data.Analysis;

namespace LLM4EHR.Interactive;

/// <summary>Tables (DataFrames) of evaluation reports and training logs, as the notebooks show them.</summary>
public static class ReportFrames
{
    /// <summary>Headline metrics with their bootstrap interval: metric, value, ci_lower, ci_upper (null without bootstrap).</summary>
    public static DataFrame Metrics(EvaluationReport report)
    {
        var rows = new List<(string Key, double? Value, ConfidenceInterval? Ci)>();
        foreach (var (key, value) in report.Metrics)
            rows.Add((key, value, report.Intervals.TryGetValue(key, out var ci) ? ci : null));
        rows.Add(("brier", report.Calibration.Brier, null));
        rows.Add(("ece", report.Calibration.Ece, null));
        return new DataFrame(
            new StringDataFrameColumn("metric", rows.Select(r => r.Key)),
            new DoubleDataFrameColumn("value", rows.Select(r => r.Value)),
            new DoubleDataFrameColumn("ci_lower", rows.Select(r => r.Ci?.Lower)),
            new DoubleDataFrameColumn("ci_upper", rows.Select(r => r.Ci?.Upper)));
    }

    /// <summary>One row per label: index, name, positives, negatives, auroc, auprc (null for a single-class label), f1.</summary>
    public static DataFrame PerLabel(EvaluationReport report) => new(
        new Int32DataFrameColumn("label", report.PerLabel.Select(l => (int?)l.Index)),
        new StringDataFrameColumn("name", report.PerLabel.Select(l => l.Name)),
        new Int32DataFrameColumn("positives", report.PerLabel.Select(l => (int?)l.Positives)),
        new Int32DataFrameColumn("negatives", report.PerLabel.Select(l => (int?)l.Negatives)),
        new DoubleDataFrameColumn("auroc", report.PerLabel.Select(l => l.Auroc)),
        new DoubleDataFrameColumn("auprc", report.PerLabel.Select(l => l.Auprc)),
        new DoubleDataFrameColumn("f1", report.PerLabel.Select(l => (double?)l.F1)));

    /// <summary>
    /// One row per epoch: epoch, step, train_loss, then one val_&lt;metric&gt; column per validation metric (in the
    /// order first logged; null for epochs that were not evaluated), then improved.
    /// </summary>
    public static DataFrame Epochs(TrainingHistory history)
    {
        var epochs = history.Epochs;
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("epoch", epochs.Select(e => (int?)e.Epoch)),
            new Int64DataFrameColumn("step", epochs.Select(e => (long?)e.Step)),
            new DoubleDataFrameColumn("train_loss", epochs.Select(e => (double?)e.TrainLoss)),
        };
        foreach (var metric in ValidationMetricNames(history))
            columns.Add(new DoubleDataFrameColumn("val_" + metric, epochs.Select(e => e.Val.TryGetValue(metric, out var v) ? v : (double?)null)));
        columns.Add(new BooleanDataFrameColumn("improved", epochs.Select(e => (bool?)e.Improved)));
        return new DataFrame(columns);
    }

    /// <summary>Validation metric names in the order the log first shows them (loss included).</summary>
    public static IReadOnlyList<string> ValidationMetricNames(TrainingHistory history) =>
        history.Epochs.SelectMany(e => e.Val.Keys).Distinct().ToList();

    /// <summary>Audit findings, warnings first: severity, check, split, count, message.</summary>
    public static DataFrame AuditFindings(LLM4EHR.Data.Audit.AuditReport audit)
    {
        var rows = audit.Findings.OrderByDescending(f => f.Severity).ToList();
        return new DataFrame(
            new StringDataFrameColumn("severity", rows.Select(f => f.Severity.ToString().ToLowerInvariant())),
            new StringDataFrameColumn("check", rows.Select(f => f.Check)),
            new StringDataFrameColumn("split", rows.Select(f => f.Split)),
            new Int64DataFrameColumn("count", rows.Select(f => (long?)f.Count)),
            new StringDataFrameColumn("message", rows.Select(f => f.Message)));
    }

    /// <summary>Token lengths per split as fed to the model: median, p90, max, truncated stays and share.</summary>
    public static DataFrame AuditTokenLengths(LLM4EHR.Data.Audit.AuditReport audit) => new(
        new StringDataFrameColumn("split", audit.Lengths.Select(l => l.Split)),
        new Int32DataFrameColumn("median", audit.Lengths.Select(l => (int?)l.Median)),
        new Int32DataFrameColumn("p90", audit.Lengths.Select(l => (int?)l.P90)),
        new Int32DataFrameColumn("max", audit.Lengths.Select(l => (int?)l.Max)),
        new Int32DataFrameColumn("truncated", audit.Lengths.Select(l => (int?)l.Truncated)),
        new DoubleDataFrameColumn("truncated_share", audit.Lengths.Select(l => (double?)l.TruncatedShare)),
        new Int32DataFrameColumn("max_tokens", audit.Lengths.Select(l => (int?)l.MaxTokens)));
}
