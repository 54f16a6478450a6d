namespace LLM4EHR.Evaluation;

/// <summary>
/// A bootstrap percentile interval. <see cref="Resamples"/> counts the resamples where the metric was defined
/// (a resample without positives has no AUROC); the bounds come from those.
/// </summary>
public readonly record struct ConfidenceInterval(double Lower, double Upper, int Resamples);
