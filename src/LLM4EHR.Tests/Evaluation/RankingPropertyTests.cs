using CsCheck;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Tests.Evaluation;

/// <summary>Properties of AUROC and average precision that hold for every input, tied or not.</summary>
public class RankingPropertyTests
{
    /// <summary>Labels with both classes and scores on a coarse grid (so ties are common), n in [2, 60].</summary>
    private static readonly Gen<(byte[] Labels, double[] Scores)> TiedData =
        Gen.Int[2, 60].SelectMany(n =>
            Gen.Select(Gen.Byte[0, 1].Array[n], Gen.Int[0, 10].Array[n], (y, s) =>
            {
                y[0] = 0; y[1] = 1; // both classes present
                return (y, s.Select(v => v / 10.0).ToArray());
            }));

    [Fact]
    public void Auroc_and_ap_are_unchanged_by_strictly_increasing_transforms()
    {
        TiedData.Sample((y, s) =>
        {
            var transformed = s.Select(v => Math.Exp(3 * v) - 7).ToArray(); // strictly increasing: same ranks and ties
            Assert.Equal(BinaryMetrics.Auroc(y, s), BinaryMetrics.Auroc(y, transformed));
            Assert.Equal(BinaryMetrics.AveragePrecision(y, s), BinaryMetrics.AveragePrecision(y, transformed));
        }, iter: 300);
    }

    [Fact]
    public void Perfect_ranking_scores_one_and_reversed_ranking_scores_zero()
    {
        TiedData.Sample((y, s) =>
        {
            // Every positive above every negative, ties among positives and among negatives allowed.
            var perfect = y.Select((label, i) => label + s[i] / 2).ToArray();
            var reversed = perfect.Select(v => -v).ToArray();
            Assert.Equal(1.0, BinaryMetrics.Auroc(y, perfect));
            Assert.Equal(1.0, BinaryMetrics.AveragePrecision(y, perfect)!.Value, 12);
            Assert.Equal(0.0, BinaryMetrics.Auroc(y, reversed));
        }, iter: 300);
    }

    [Fact]
    public void Auroc_of_negated_scores_is_its_complement_because_ties_count_half()
    {
        TiedData.Sample((y, s) =>
        {
            var negated = s.Select(v => -v).ToArray();
            Assert.Equal(1.0, BinaryMetrics.Auroc(y, s)!.Value + BinaryMetrics.Auroc(y, negated)!.Value, 12);
        }, iter: 300);
    }

    [Fact]
    public void All_tied_scores_give_auroc_one_half_and_ap_the_prevalence()
    {
        TiedData.Sample((y, _) =>
        {
            var same = new double[y.Length];
            Array.Fill(same, 0.3);
            Assert.Equal(0.5, BinaryMetrics.Auroc(y, same));
            Assert.Equal(y.Count(v => v == 1) / (double)y.Length, BinaryMetrics.AveragePrecision(y, same)!.Value, 12);
        }, iter: 100);
    }

    [Fact]
    public void Row_weights_score_exactly_like_the_duplicated_rows_they_stand_for()
    {
        // The bootstrap relies on this: a resample is scored through weights on the original ranking.
        Gen.Select(TiedData, Gen.Int[0, 3].Array[60]).Sample((data, counts) =>
        {
            var (y, s) = data;
            var weights = counts.Take(y.Length).ToArray();
            var ranked = new RankedScores(s, y, Enumerable.Range(0, y.Length).ToArray());
            var (auroc, ap) = ranked.Score(weights);
            var dupY = y.SelectMany((v, i) => Enumerable.Repeat(v, weights[i])).ToArray();
            var dupS = s.SelectMany((v, i) => Enumerable.Repeat(v, weights[i])).ToArray();
            bool bothClasses = dupY.Contains((byte)0) && dupY.Contains((byte)1);
            Assert.Equal(bothClasses ? BinaryMetrics.Auroc(dupY, dupS) : null, BinaryMetrics.Nullable(auroc));
            if (bothClasses)
                Assert.Equal(BinaryMetrics.AveragePrecision(dupY, dupS)!.Value, ap, 12);
        }, iter: 300);
    }

    [Fact]
    public void Single_class_labels_have_no_ranking_metrics()
    {
        var y = new byte[] { 1, 1, 1 };
        var s = new[] { 0.2, 0.5, 0.9 };
        Assert.Null(BinaryMetrics.Auroc(y, s));
        Assert.Null(BinaryMetrics.AveragePrecision(y, s));
        Assert.Null(BinaryMetrics.Roc(y, s));
    }

    [Fact]
    public void Threshold_counts_probability_equal_to_it_as_positive()
    {
        var y = new byte[] { 1, 0 };
        var p = new[] { 0.5, 0.49999999 };
        Assert.Equal(1.0, BinaryMetrics.F1(y, p, 0.5));
        Assert.Equal(1.0, BinaryMetrics.Accuracy(y, p, 0.5));
        Assert.Equal(0.0, BinaryMetrics.F1(y, p, 0.6)); // nothing predicted positive: zero_division=0
    }
}
