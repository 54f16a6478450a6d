namespace LLM4EHR.Evaluation;

/// <summary>Turns the cumulative counts of a <see cref="RankedScores"/> into sklearn-shaped curves.</summary>
internal static class CurveBuilder
{
    /// <summary>Null when either class is absent (sklearn would return an all-NaN axis with a warning).</summary>
    public static RocCurve? Roc(RankedScores ranked)
    {
        var (tps, fps, thresholds) = ranked.CumulativeCounts();
        int g = tps.Length;
        if (g == 0 || tps[^1] == 0 || fps[^1] == 0)
            return null;
        // Keep the ends and every "corner": a point where the second difference of fps or tps is non-zero.
        var keep = new List<int>(g);
        for (int i = 0; i < g; i++)
        {
            bool corner = g <= 2 || i == 0 || i == g - 1
                || fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0
                || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0;
            if (corner) keep.Add(i);
        }
        int n = keep.Count + 1;
        var fpr = new double[n];
        var tpr = new double[n];
        var thr = new double[n];
        double totalFp = fps[^1], totalTp = tps[^1];
        thr[0] = thresholds[0] + 1; // sklearn 1.2's extra threshold so the curve starts at (0, 0)
        for (int j = 0; j < keep.Count; j++)
        {
            int i = keep[j];
            fpr[j + 1] = fps[i] / totalFp;
            tpr[j + 1] = tps[i] / totalTp;
            thr[j + 1] = thresholds[i];
        }
        return new RocCurve(fpr, tpr, thr);
    }

    /// <summary>Null when there are no positives (sklearn sets recall to 1 everywhere, which plots nothing useful).</summary>
    public static PrecisionRecallCurve? PrecisionRecall(RankedScores ranked)
    {
        var (tps, fps, thresholds) = ranked.CumulativeCounts();
        int g = tps.Length;
        if (g == 0 || tps[^1] == 0)
            return null;
        var precision = new double[g + 1];
        var recall = new double[g + 1];
        var thr = new double[g];
        double totalTp = tps[^1];
        for (int j = 0; j < g; j++)
        {
            int i = g - 1 - j; // reversed so recall decreases
            long predicted = tps[i] + fps[i];
            precision[j] = predicted == 0 ? 0 : (double)tps[i] / predicted;
            recall[j] = tps[i] / totalTp;
            thr[j] = thresholds[i];
        }
        precision[g] = 1;
        recall[g] = 0;
        return new PrecisionRecallCurve(precision, recall, thr);
    }
}

/// <summary>
/// Precision-recall points as scikit-learn 1.2 <c>precision_recall_curve</c> returns them: recall decreasing,
/// one point per distinct score (thresholds ascending, one fewer than points), ending at (recall 0, precision 1).
/// </summary>
public sealed record PrecisionRecallCurve(double[] Precision, double[] Recall, double[] Thresholds);

/// <summary>
/// ROC points as scikit-learn 1.2 <c>roc_curve</c> returns them (drop_intermediate=True): thresholds
/// descending, the first point (0, 0) at threshold max score + 1; collinear intermediate points dropped.
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);

/// <summary>Plotting curves of one label (or of all labels pooled, "micro"). Null where a class is missing.</summary>
public sealed record LabelCurves(string Name, RocCurve? Roc, PrecisionRecallCurve? PrecisionRecall);
