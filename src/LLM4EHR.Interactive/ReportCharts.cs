using LLM4EHR.Evaluation;
using LLM4EHR.Training;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>Charts of evaluation reports and training logs, built on <see cref="Charts"/>.</summary>
public static class ReportCharts
{
    /// <summary>ROC curves of the report (one per label, then "micro" for Pheno); labels with a single class have none.</summary>
    public static GenericChart Roc(EvaluationReport report, string title = "ROC curve") =>
        Charts.Roc(report.Curves.Where(c => c.Roc is not null)
            .Select(c => (Legend(report, c), c.Roc!.FalsePositiveRate, c.Roc.TruePositiveRate)), Title(report, title));

    /// <summary>Precision–recall curves of the report, like <see cref="Roc"/>.</summary>
    public static GenericChart PrecisionRecall(EvaluationReport report, string title = "Precision-recall curve") =>
        Charts.PrecisionRecall(report.Curves.Where(c => c.PrecisionRecall is not null)
            .Select(c => (Legend(report, c), c.PrecisionRecall!.Recall, c.PrecisionRecall.Precision)), Title(report, title));

    /// <summary>Reliability diagram of the report (Pheno: all stay × label pairs pooled), with Brier and ECE in the legend.</summary>
    public static GenericChart Calibration(EvaluationReport report, string title = "Calibration")
    {
        var bins = report.Calibration.Reliability;
        string name = $"model (Brier {report.Calibration.Brier:F3}, ECE {report.Calibration.Ece:F3})";
        return Charts.Calibration(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.FractionPositive).ToArray(), name, Title(report, title));
    }

    // A chart of a generated cohort says so in its title, so a screenshot is never taken for a MIMIC result.
    private static string Title(EvaluationReport report, string title) => report.SyntheticData ? title + " (synthetic demo data)" : title;

    /// <summary>Training loss per optimizer step, with the per-epoch mean train loss and validation loss at each epoch's last step.</summary>
    public static GenericChart Loss(TrainingHistory history, string title = "Loss")
    {
        var series = new List<(string, double[], double[])>
        {
            ("train (step)", history.Steps.Select(s => (double)s.Step).ToArray(), history.Steps.Select(s => s.Loss).ToArray()),
            ("train (epoch mean)", history.Epochs.Select(e => (double)e.Step).ToArray(), history.Epochs.Select(e => e.TrainLoss).ToArray()),
        };
        var evaluated = history.Epochs.Where(e => e.Val.ContainsKey("loss")).ToList();
        if (evaluated.Count > 0)
            series.Add(("validation", evaluated.Select(e => (double)e.Step).ToArray(), evaluated.Select(e => e.Val["loss"]).ToArray()));
        return Charts.LossCurves(series, title, xTitle: "Optimizer step", yTitle: "BCE loss");
    }

    /// <summary>Validation metrics (all but loss) per evaluated epoch, one line each.</summary>
    public static GenericChart ValidationMetrics(TrainingHistory history, string title = "Validation metrics per epoch")
    {
        var evaluated = history.Epochs.Where(e => e.Val.Count > 0).ToList();
        var names = ReportFrames.ValidationMetricNames(history).Where(n => n != "loss").ToList();
        if (names.Count == 0)
            throw new ArgumentException("the training log has no evaluated epoch");
        var epochs = evaluated.Select(e => (double)e.Epoch).ToArray();
        return Charts.LossCurves(names.Select(n => (n, epochs, evaluated.Select(e => e.Val.TryGetValue(n, out var v) ? v : double.NaN).ToArray())),
            title, xTitle: "Epoch", yTitle: "Value");
    }

    // Per-label legends carry the label's name (phenotype names are long, so they are shortened).
    private static string Legend(EvaluationReport report, LabelCurves curves)
    {
        double? auroc = curves.Name == "micro" && report.Task == Data.ClinicalTask.Pheno
            ? report[MetricKeys.AurocMicro]
            : report.PerLabel.FirstOrDefault(l => l.Name == curves.Name)?.Auroc;
        string name = curves.Name.Length > 32 ? curves.Name[..31] + "…" : curves.Name;
        return auroc is { } auc ? $"{name} (AUROC {auc:F3})" : name;
    }
}
