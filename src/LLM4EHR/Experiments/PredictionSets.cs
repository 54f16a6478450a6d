using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>Bridges the trainer's row-major float arrays and the evaluation layer.</summary>
public static class PredictionSets
{
    public static PredictionSet From(ClinicalTask task, Predictions predictions) =>
        From(task, predictions.Names, predictions.Probabilities, predictions.Labels);

    public static PredictionSet From(ClinicalTask task, IReadOnlyList<string> names, float[][] probabilities, float[][] labels)
    {
        int k = task.LabelCount();
        var p = new double[names.Count * k];
        var y = new double[names.Count * k];
        for (int i = 0; i < names.Count; i++)
            for (int j = 0; j < k; j++)
            {
                p[i * k + j] = probabilities[i][j];
                y[i * k + j] = labels[i][j];
            }
        return PredictionSet.FromProbabilities(task, names, y, p);
    }

    /// <summary>Headline validation metrics (no bootstrap) for the trainer's best-checkpoint choice.</summary>
    public static IReadOnlyDictionary<string, double> ValidationMetrics(ClinicalTask task, float[][] probabilities, float[][] labels)
    {
        var names = Enumerable.Range(0, probabilities.Length).Select(i => $"val_{i}").ToArray();
        var report = Evaluator.Evaluate(task, From(task, names, probabilities, labels), new EvaluationOptions { BootstrapResamples = 0 });
        var metrics = new Dictionary<string, double>();
        foreach (var (key, value) in report.Metrics)
            if (value is { } v)
                metrics[key] = v;
        metrics[MetricKeys.Brier] = report.Calibration.Brier;
        metrics[MetricKeys.Ece] = report.Calibration.Ece;
        return metrics;
    }
}
