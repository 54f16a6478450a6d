namespace LLM4EHR.Evaluation;

/// <summary>
/// Precision-recall points as scikit-learn 1.2 <c>precision_recall_curve</c> returns them: recall decreasing,
/// one point per distinct score (thresholds ascending, one fewer than points), ending at (recall 0, precision 1).
/// </summary>
public sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds);
