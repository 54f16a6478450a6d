namespace LLM4EHR.Evaluation;

/// <summary>Plotting curves of one label (or of all labels pooled, "micro"). Null where a class is missing.</summary>
public sealed record LabelCurves(string Name, RocCurve? Roc, PrecisionRecallCurve? PrecisionRecall);
