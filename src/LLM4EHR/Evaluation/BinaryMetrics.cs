namespace LLM4EHR.Evaluation;

/// <summary>
/// Single-label metrics with scikit-learn semantics, for callers holding one column of labels and scores.
/// Ranking metrics return null when the labels hold a single class (sklearn raises or warns there).
/// </summary>
public static class BinaryMetrics
{
    /// <summary>= sklearn <c>roc_auc_score</c> (tied scores count one half).</summary>
    public static double? Auroc(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores) =>
        Nullable(Rank(labels, scores).Score(Ones(labels.Length)).Auroc);

    /// <summary>= sklearn <c>average_precision_score</c>: Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds, not the trapezoid.</summary>
    public static double? AveragePrecision(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores)
    {
        CheckLengths(labels, scores);
        if (!HasBothClasses(labels)) return null;
        return Nullable(Rank(labels, scores).Score(Ones(labels.Length)).AveragePrecision);
    }

    /// <summary>= sklearn <c>f1_score(zero_division=0)</c> of <c>probability &gt;= threshold</c>.</summary>
    public static double F1(ReadOnlySpan<byte> labels, ReadOnlySpan<double> probabilities, double threshold = 0.5)
    {
        CheckLengths(labels, probabilities);
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool predicted = probabilities[i] >= threshold;
            if (predicted && labels[i] != 0) tp++;
            else if (predicted) fp++;
            else if (labels[i] != 0) fn++;
        }
        return F1(tp, fp, fn);
    }

    /// <summary>Fraction of <c>probability &gt;= threshold</c> predictions equal to the label.</summary>
    public static double Accuracy(ReadOnlySpan<byte> labels, ReadOnlySpan<double> probabilities, double threshold = 0.5)
    {
        CheckLengths(labels, probabilities);
        long correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if ((probabilities[i] >= threshold) == (labels[i] != 0)) correct++;
        return labels.Length == 0 ? double.NaN : (double)correct / labels.Length;
    }

    /// <summary>= sklearn 1.2 <c>roc_curve</c>; null when a class is absent.</summary>
    public static RocCurve? Roc(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores) =>
        CurveBuilder.Roc(Rank(labels, scores));

    /// <summary>= sklearn 1.2 <c>precision_recall_curve</c>; null when there are no positives.</summary>
    public static PrecisionRecallCurve? PrecisionRecall(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores) =>
        CurveBuilder.PrecisionRecall(Rank(labels, scores));

    /// <summary>2TP / (2TP + FP + FN), 0 when nothing is positive in truth or prediction (zero_division=0).</summary>
    internal static double F1(long tp, long fp, long fn)
    {
        long denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0.0 : 2.0 * tp / denominator;
    }

    internal static int[] Ones(int n)
    {
        var w = new int[n];
        Array.Fill(w, 1);
        return w;
    }

    internal static double? Nullable(double value) => double.IsNaN(value) ? null : value;

    private static bool HasBothClasses(ReadOnlySpan<byte> labels)
    {
        bool pos = false, neg = false;
        foreach (var l in labels) { if (l != 0) pos = true; else neg = true; }
        return pos && neg;
    }

    private static RankedScores Rank(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores)
    {
        CheckLengths(labels, scores);
        var rows = new int[labels.Length];
        for (int i = 0; i < rows.Length; i++) rows[i] = i;
        return new RankedScores(scores, labels, rows);
    }

    private static void CheckLengths(ReadOnlySpan<byte> labels, ReadOnlySpan<double> scores)
    {
        if (labels.Length != scores.Length)
            throw new ArgumentException($"labels ({labels.Length}) and scores ({scores.Length}) differ in length");
    }
}
