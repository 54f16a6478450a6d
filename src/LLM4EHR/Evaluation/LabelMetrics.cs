namespace LLM4EHR.Evaluation;

/// <summary>
/// Metrics of one label. AUROC/AUPRC are null when the data hold a single class for this label
/// (such labels are left out of the macro means).
/// </summary>
public sealed record LabelMetrics(int Index, string Name, int Positives, int Negatives, double? Auroc, double? Auprc, double F1);
