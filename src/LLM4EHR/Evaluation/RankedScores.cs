namespace LLM4EHR.Evaluation;

/// <summary>
/// One score column sorted once by descending score, with its tie groups. Every ranking metric is a single
/// walk over the groups with per-row weights, so a bootstrap resample (a multiset of rows = integer weights)
/// reuses the sort instead of sorting again: duplicated rows tie with themselves and land in the same group,
/// exactly as they would if the resampled data were sorted afresh.
/// </summary>
internal sealed class RankedScores
{
    // [M] k-th ranked entry packed as (row << 1) | label: one load per entry in the hot walk instead of two.
    private readonly int[] _rowLabel;
    private readonly int[] _groupEnd;    // [G] exclusive end (in ranked order) of each tie group
    private readonly double[] _groupScore; // [G] the score shared by each tie group

    /// <param name="scores">[M] scores.</param>
    /// <param name="labels">[M] 0/1 labels.</param>
    /// <param name="rows">[M] the row each entry belongs to (for micro averaging, M = rows × labels).</param>
    public RankedScores(ReadOnlySpan<double> scores, ReadOnlySpan<byte> labels, ReadOnlySpan<int> rows)
    {
        int m = scores.Length;
        var keys = new double[m];
        var order = new int[m];
        for (int i = 0; i < m; i++)
        {
            keys[i] = -scores[i]; // ascending sort of -score = descending score
            order[i] = i;
        }
        Array.Sort(keys, order);
        _rowLabel = new int[m];
        var ends = new List<int>();
        var groupScores = new List<double>();
        for (int k = 0; k < m; k++)
        {
            _rowLabel[k] = rows[order[k]] << 1 | (labels[order[k]] != 0 ? 1 : 0);
            // Ties are exact equality, as sklearn's np.diff(y_score) != 0.
            if (k + 1 == m || scores[order[k + 1]] != scores[order[k]])
            {
                ends.Add(k + 1);
                groupScores.Add(scores[order[k]]);
            }
        }
        _groupEnd = ends.ToArray();
        _groupScore = groupScores.ToArray();
    }

    public int Length => _rowLabel.Length;

    /// <summary>
    /// AUROC (Mann-Whitney with ties counting one half = sklearn's trapezoidal ROC area) and average precision
    /// (sklearn's step-wise sum of ΔRecall × Precision over thresholds), both for rows weighted by
    /// <paramref name="weights"/> (one entry per row). NaN where a class is absent (AUROC: either; AP: positives).
    /// </summary>
    public (double Auroc, double AveragePrecision) Score(ReadOnlySpan<int> weights)
    {
        long tp = 0, fp = 0;
        long twiceArea = 0;    // 2 × Σ over negatives of (positives ranked above + ½ positives tied): exact in integers
        double precisionSum = 0; // Σ over groups of (positives in group) × precision at that group's threshold
        int k = 0;
        for (int g = 0; g < _groupEnd.Length; g++)
        {
            long tpg = 0, fpg = 0;
            for (int end = _groupEnd[g]; k < end; k++)
            {
                int packed = _rowLabel[k];
                int w = weights[packed >> 1];
                if ((packed & 1) != 0) tpg += w; else fpg += w;
            }
            twiceArea += fpg * (2 * tp + tpg);
            tp += tpg;
            fp += fpg;
            if (tpg > 0)
                precisionSum += tpg * ((double)tp / (tp + fp));
        }
        double auroc = tp > 0 && fp > 0 ? twiceArea / (2.0 * tp * fp) : double.NaN;
        double ap = tp > 0 ? precisionSum / tp : double.NaN;
        return (auroc, ap);
    }

    /// <summary>
    /// Cumulative true/false positive counts at each distinct threshold, descending (sklearn's _binary_clf_curve),
    /// with unit weights.
    /// </summary>
    public (long[] Tps, long[] Fps, double[] Thresholds) CumulativeCounts()
    {
        int groups = _groupEnd.Length;
        var tps = new long[groups];
        var fps = new long[groups];
        long tp = 0, fp = 0;
        int k = 0;
        for (int g = 0; g < groups; g++)
        {
            for (int end = _groupEnd[g]; k < end; k++)
            {
                if ((_rowLabel[k] & 1) != 0) tp++; else fp++;
            }
            tps[g] = tp;
            fps[g] = fp;
        }
        return (tps, fps, (double[])_groupScore.Clone());
    }
}
