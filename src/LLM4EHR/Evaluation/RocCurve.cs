namespace LLM4EHR.Evaluation;

/// <summary>
/// ROC points as scikit-learn 1.2 <c>roc_curve</c> returns them (drop_intermediate=True): thresholds
/// descending, the first point (0, 0) at threshold max score + 1; collinear intermediate points dropped.
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);
