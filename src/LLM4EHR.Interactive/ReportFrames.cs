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
}
