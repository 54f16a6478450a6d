using LLM4EHR.Data;

namespace LLM4EHR.Evaluation;

/// <summary>Scores a prediction set: headline metrics, per-label table, bootstrap intervals, calibration, curves.</summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="predictions"/> as <paramref name="task"/>. <paramref name="bootstrapProgress"/>
    /// receives the number of finished resamples now and then.
    /// </summary>
    public static EvaluationReport Evaluate(ClinicalTask task, PredictionSet predictions, EvaluationOptions? options = null,
        IProgress<int>? bootstrapProgress = null, CancellationToken cancellationToken = default)
    {
        if (predictions.Task != task)
            throw new BadInputException(
                $"predictions are for {predictions.Task.Id()} ({predictions.LabelCount} labels), not {task.Id()} ({task.LabelCount()} labels)");
        return Evaluate(predictions, options, bootstrapProgress, cancellationToken);
    }

    /// <summary>Evaluates <paramref name="predictions"/> as its own task.</summary>
    public static EvaluationReport Evaluate(PredictionSet predictions, EvaluationOptions? options = null,
        IProgress<int>? bootstrapProgress = null, CancellationToken cancellationToken = default)
    {
        options ??= new EvaluationOptions();
        options.Validate();
        if (predictions.Count == 0)
            throw new BadInputException($"{predictions.Task.Id()} predictions: no stays to evaluate");

        var engine = new MetricEngine(predictions, options.Threshold);
        var keys = engine.Keys;
        var ones = BinaryMetrics.Ones(predictions.Count);
        var point = new double[keys.Count];
        engine.Compute(ones, point, new long[engine.LabelCount * 4]);
        var metrics = keys.Select((k, i) => new KeyValuePair<string, double?>(k, BinaryMetrics.Nullable(point[i]))).ToList();

        var intervals = new Dictionary<string, ConfidenceInterval>();
        if (options.BootstrapResamples > 0)
        {
            var runs = BootstrapSampler.Run(engine, options.BootstrapResamples, options.BootstrapSeed,
                options.MaxDegreeOfParallelism, bootstrapProgress, cancellationToken);
            for (int i = 0; i < keys.Count; i++)
                intervals[keys[i]] = BootstrapSampler.Interval(runs, i, options.LowerPercentile, options.UpperPercentile);
        }

        var names = PhenotypeNames.For(predictions.Task);
        var perLabel = new List<LabelMetrics>(engine.LabelCount);
        var curves = new List<LabelCurves>(engine.LabelCount + 1);
        for (int j = 0; j < engine.LabelCount; j++)
        {
            var (auroc, ap) = engine.LabelScore(j, ones);
            int positives = 0;
            for (int i = 0; i < predictions.Count; i++) positives += predictions.Label(i, j);
            bool defined = !double.IsNaN(auroc);
            perLabel.Add(new LabelMetrics(j, names[j], positives, predictions.Count - positives,
                defined ? auroc : null, defined ? ap : null, engine.LabelF1(j)));
            var ranking = engine.LabelRanking(j);
            curves.Add(new LabelCurves(names[j], CurveBuilder.Roc(ranking), CurveBuilder.PrecisionRecall(ranking)));
        }
        if (engine.MicroRanking is { } micro)
            curves.Add(new LabelCurves("micro", CurveBuilder.Roc(micro), CurveBuilder.PrecisionRecall(micro)));

        return new EvaluationReport
        {
            Task = predictions.Task,
            Count = predictions.Count,
            Threshold = options.Threshold,
            Metrics = metrics,
            PerLabel = perLabel,
            Intervals = intervals,
            BootstrapResamples = options.BootstrapResamples,
            BootstrapSeed = options.BootstrapSeed,
            LowerPercentile = options.LowerPercentile,
            UpperPercentile = options.UpperPercentile,
            Calibration = Calibration.Compute(predictions.Labels, predictions.Probabilities, options.CalibrationBins),
            Curves = curves,
            SyntheticData = options.SyntheticData,
        };
    }
}
