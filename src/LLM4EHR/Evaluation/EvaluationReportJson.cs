using System.Text;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.IO;

namespace LLM4EHR.Evaluation;

/// <summary>
/// metrics.json layout. Top level: the headline keys exactly as the reference fixtures name them
/// (<see cref="MetricKeys"/>), then for Pheno <c>per_label</c> [{name, auroc, auprc, f1, positives, negatives}] and
/// <c>single_class_labels</c>; then <c>task</c>, <c>count</c>, <c>synthetic_data</c> (true for a generated demo cohort), <c>threshold</c>, <c>ci</c> {key: [lower, upper]}
/// with <c>bootstrap</c> {resamples, seed, percentiles}, <c>calibration</c> {brier, ece, bins, reliability}, and
/// optionally <c>curves</c>. Undefined numbers are written as null.
/// </summary>
public static class EvaluationReportJson
{
    public static string Serialize(EvaluationReport report, bool includeCurves = false)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var (key, value) in report.Metrics)
                Number(w, key, value);
            if (report.Task == ClinicalTask.Pheno)
            {
                w.WriteStartArray("per_label");
                foreach (var l in report.PerLabel)
                {
                    w.WriteStartObject();
                    w.WriteString("name", l.Name);
                    Number(w, "auroc", l.Auroc);
                    Number(w, "auprc", l.Auprc);
                    Number(w, "f1", l.F1);
                    w.WriteNumber("positives", l.Positives);
                    w.WriteNumber("negatives", l.Negatives);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("single_class_labels");
                foreach (var name in report.SingleClassLabels) w.WriteStringValue(name);
                w.WriteEndArray();
            }
            w.WriteString("task", report.Task.Id());
            w.WriteNumber("count", report.Count);
            w.WriteBoolean("synthetic_data", report.SyntheticData);
            w.WriteNumber("threshold", report.Threshold);
            WriteIntervals(w, report);
            WriteCalibration(w, report.Calibration);
            if (includeCurves)
                WriteCurves(w, report.Curves);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteIntervals(Utf8JsonWriter w, EvaluationReport report)
    {
        w.WriteStartObject("ci");
        foreach (var (key, _) in report.Metrics)
        {
            if (!report.Intervals.TryGetValue(key, out var ci)) continue;
            w.WriteStartArray(key);
            Number(w, ci.Lower);
            Number(w, ci.Upper);
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteStartObject("bootstrap");
        w.WriteNumber("resamples", report.BootstrapResamples);
        w.WriteNumber("seed", report.BootstrapSeed);
        w.WriteStartArray("percentiles");
        w.WriteNumberValue(report.LowerPercentile);
        w.WriteNumberValue(report.UpperPercentile);
        w.WriteEndArray();
        w.WriteStartObject("valid_resamples");
        foreach (var (key, ci) in report.Intervals) w.WriteNumber(key, ci.Resamples);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCalibration(Utf8JsonWriter w, CalibrationSummary c)
    {
        w.WriteStartObject("calibration");
        Number(w, "brier", c.Brier);
        Number(w, "ece", c.Ece);
        w.WriteNumber("bins", c.Bins);
        w.WriteStartArray("reliability");
        foreach (var b in c.Reliability)
        {
            w.WriteStartObject();
            w.WriteNumber("lower", b.Lower);
            w.WriteNumber("upper", b.Upper);
            w.WriteNumber("count", b.Count);
            w.WriteNumber("mean_predicted", b.MeanPredicted);
            w.WriteNumber("fraction_positive", b.FractionPositive);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>One curve as an object of named arrays, or null for a label whose curve is undefined (one class only).</summary>
    private static void Curve(Utf8JsonWriter w, string name, (string Key, double[] Values)[]? arrays)
    {
        if (arrays is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        foreach (var (key, values) in arrays)
            Array(w, key, values);
        w.WriteEndObject();
    }

    private static void WriteCurves(Utf8JsonWriter w, IReadOnlyList<LabelCurves> curves)
    {
        w.WriteStartArray("curves");
        foreach (var c in curves)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            Curve(w, "roc", c.Roc is { } roc ? [("fpr", roc.FalsePositiveRate), ("tpr", roc.TruePositiveRate), ("thresholds", roc.Thresholds)] : null);
            Curve(w, "pr", c.PrecisionRecall is { } pr ? [("precision", pr.Precision), ("recall", pr.Recall), ("thresholds", pr.Thresholds)] : null);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Array(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) Number(w, v);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value) => JsonNumbers.Write(w, name, value);

    private static void Number(Utf8JsonWriter w, double? value) => JsonNumbers.Write(w, value);
}
