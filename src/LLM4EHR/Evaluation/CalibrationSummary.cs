namespace LLM4EHR.Evaluation;

/// <summary>
/// Brier score, expected calibration error (equal-width bins, |fraction positive − mean predicted| weighted by
/// bin share) and the reliability-curve points. For Pheno every (stay, label) pair counts as one prediction.
/// </summary>
public sealed record CalibrationSummary(double Brier, double Ece, int Bins, IReadOnlyList<ReliabilityBin> Reliability);
