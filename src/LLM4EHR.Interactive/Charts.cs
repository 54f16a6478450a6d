using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>
/// Chart builders for the notebooks. Inputs are plain arrays so that they do not depend on the metrics types;
/// each returns a Plotly.NET <see cref="GenericChart"/>, which <see cref="NotebookSetup"/> teaches the kernel
/// to display (with plotly.js embedded, so it also draws offline).
/// </summary>
public static class Charts
{
    /// <summary>ROC curves (false positive rate → true positive rate) with the chance diagonal.</summary>
    public static GenericChart Roc(IEnumerable<(string Name, double[] Fpr, double[] Tpr)> curves, string title = "ROC curve")
    {
        var traces = curves.Select(c => Traces.Line(c.Name, c.Fpr, c.Tpr)).Append(Traces.Diagonal("chance")).ToList();
        return Figures.Build(traces, title, "False positive rate", "True positive rate", unitSquare: true);
    }

    public static GenericChart Roc(double[] fpr, double[] tpr, string name = "model", string title = "ROC curve") =>
        Roc([(name, fpr, tpr)], title);

    /// <summary>Precision–recall curves (recall on x, precision on y).</summary>
    public static GenericChart PrecisionRecall(IEnumerable<(string Name, double[] Recall, double[] Precision)> curves, string title = "Precision-recall curve")
    {
        var traces = curves.Select(c => Traces.Line(c.Name, c.Recall, c.Precision)).ToList();
        return Figures.Build(traces, title, "Recall", "Precision", unitSquare: true);
    }

    public static GenericChart PrecisionRecall(double[] recall, double[] precision, string name = "model", string title = "Precision-recall curve") =>
        PrecisionRecall([(name, recall, precision)], title);

    /// <summary>Reliability diagram: per bin, mean predicted probability against observed fraction of positives.</summary>
    public static GenericChart Calibration(IEnumerable<(string Name, double[] MeanPredicted, double[] FractionPositive)> curves, string title = "Calibration")
    {
        var traces = curves.Select(c => Traces.Line(c.Name, c.MeanPredicted, c.FractionPositive, markers: true))
            .Append(Traces.Diagonal("perfectly calibrated")).ToList();
        return Figures.Build(traces, title, "Mean predicted probability", "Fraction of positives", unitSquare: true);
    }

    public static GenericChart Calibration(double[] meanPredicted, double[] fractionPositive, string name = "model", string title = "Calibration") =>
        Calibration([(name, meanPredicted, fractionPositive)], title);

    /// <summary>Loss (or any metric) against step/epoch, one line per series (e.g. train and validation).</summary>
    public static GenericChart LossCurves(IEnumerable<(string Name, double[] Step, double[] Loss)> series, string title = "Loss", string xTitle = "Step", string yTitle = "Loss")
    {
        var traces = series.Select(s => Traces.Line(s.Name, s.Step, s.Loss, markers: s.Step.Length <= 50)).ToList();
        return Figures.Build(traces, title, xTitle, yTitle);
    }

    public static GenericChart LossCurves(double[] step, double[] loss, string name = "train", string title = "Loss") =>
        LossCurves([(name, step, loss)], title);

    /// <summary>Overlaid histograms with a shared number of bins.</summary>
    public static GenericChart Histogram(IEnumerable<(string Name, double[] Values)> series, int bins = 30, string title = "Histogram", string xTitle = "Value")
    {
        if (bins < 1)
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1");
        var list = series.ToList();
        var traces = list.Select(s => Traces.Histogram(s.Name, s.Values, bins, opacity: list.Count > 1 ? 0.6 : 1.0)).ToList();
        return Figures.Build(traces, title, xTitle, "Count", barMode: "overlay");
    }

    public static GenericChart Histogram(double[] values, string name = "values", int bins = 30, string title = "Histogram", string xTitle = "Value") =>
        Histogram([(name, values)], bins, title, xTitle);

    /// <summary>Bars per category; several series are grouped side by side.</summary>
    public static GenericChart Bar(string[] categories, IEnumerable<(string Name, double[] Values)> series, string title = "", string yTitle = "")
    {
        var traces = series.Select(s => Traces.Bar(s.Name, categories, s.Values)).ToList();
        return Figures.Build(traces, title, "", yTitle, barMode: "group");
    }

    public static GenericChart Bar(string[] categories, double[] values, string name = "value", string title = "", string yTitle = "") =>
        Bar(categories, [(name, values)], title, yTitle);

    /// <summary>
    /// A forest plot: per series (e.g. a task) one point per label (e.g. a model) with its interval as horizontal error bars.
    /// </summary>
    public static GenericChart Forest(IEnumerable<(string Name, string[] Labels, double[] Values, double[] Lower, double[] Upper)> series,
        string title = "", string xTitle = "Value")
    {
        var traces = series.Select(s => Traces.Forest(s.Name, s.Labels, s.Values, s.Lower, s.Upper)).ToList();
        return Figures.Build(traces, title, xTitle, "");
    }

    /// <summary>A heatmap: one row per <paramref name="rows"/> entry, one column per <paramref name="columns"/> entry.</summary>
    public static GenericChart Heatmap(string[] columns, string[] rows, double[][] z, string title = "", double zMin = 0, double zMax = 1)
    {
        // Wide: one column per label (25 phenotypes) with their names under it.
        return Figures.Build([Traces.Heatmap(columns, rows, z, zMin, zMax)], title, "", "", width: 980);
    }
}
