using LLM4EHR.Data;

namespace LLM4EHR.Evaluation;

/// <summary>
/// Headline metric names, exactly the keys of the reference fixtures' expected.json (and of metrics.json).
/// </summary>
public static class MetricKeys
{
    public const string Auroc = "auroc";
    public const string Auprc = "auprc";
    public const string F1 = "f1";
    public const string Accuracy = "accuracy";
    public const string AurocMacro = "auroc_macro";
    public const string AurocMicro = "auroc_micro";
    public const string AuprcMacro = "auprc_macro";
    public const string AuprcMicro = "auprc_micro";
    public const string F1Macro = "f1_macro";
    public const string F1Micro = "f1_micro";

    /// <summary>Validation-only keys beside the headline ones: mean BCE, Brier score, expected calibration error.</summary>
    public const string Loss = "loss", Brier = "brier", Ece = "ece";

    private static readonly string[] IhmKeys = [Auroc, Auprc, F1, Accuracy];
    private static readonly string[] PhenoKeys = [AurocMacro, AurocMicro, AuprcMacro, AuprcMicro, F1Macro, F1Micro, Accuracy];

    /// <summary>The headline keys of a task, in report order.</summary>
    public static IReadOnlyList<string> Headline(ClinicalTask task) => task switch
    {
        ClinicalTask.Ihm => IhmKeys,
        ClinicalTask.Pheno => PhenoKeys,
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>Every key the trainer's validation dictionary holds for a task (what <c>training.best_metric</c> may name).</summary>
    public static IReadOnlyList<string> Validation(ClinicalTask task) => [.. Headline(task), Brier, Ece, Loss];

    /// <summary>Whether a smaller value of <paramref name="key"/> is better (losses and calibration errors).</summary>
    public static bool LowerIsBetter(string key) => key is Loss or Brier or Ece;
}
