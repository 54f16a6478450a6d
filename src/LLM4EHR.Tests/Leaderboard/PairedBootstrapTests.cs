using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Leaderboard;

namespace LLM4EHR.Tests.Leaderboard;

/// <summary>The paired bootstrap resamples the same stays for both models and tests the difference around itself.</summary>
public sealed class PairedBootstrapTests
{
    private static readonly PredictionSet Cohort = FakeRuns.Cohort(ClinicalTask.Ihm, stays: 300);

    [Fact]
    public void A_model_against_itself_differs_by_zero_with_p_one()
    {
        var result = PairedBootstrap.Compare(Cohort, Cohort, resamples: 200, seed: 0);
        Assert.Equal(MetricKeys.Headline(ClinicalTask.Ihm), result.Select(d => d.Key));
        Assert.All(result, d => Assert.Equal((0.0, 0.0, 0.0, 1.0), (d.Difference, d.Interval.Lower, d.Interval.Upper, d.P)));
    }

    [Fact]
    public void Resamples_are_paired_so_a_tiny_change_has_a_tiny_interval()
    {
        // One stay's score moved slightly: unpaired resamples would give differences as wide as the metric's own CI.
        var probs = Cohort.Probabilities.ToArray();
        probs[5] = Math.Min(1, probs[5] + 0.01);
        var nudged = PredictionSet.FromProbabilities(ClinicalTask.Ihm, Cohort.Names, Cohort.Labels.ToArray().Select(l => (double)l).ToArray(), probs);
        var auprc = PairedBootstrap.Compare(nudged, Cohort, resamples: 300, seed: 0).Single(d => d.Key == MetricKeys.Auprc);
        Assert.True(auprc.Interval.Upper - auprc.Interval.Lower < 0.02, $"interval {auprc.Interval}");
        var alone = Evaluator.Evaluate(Cohort, new EvaluationOptions { BootstrapResamples = 300 }).Intervals[MetricKeys.Auprc];
        Assert.True(alone.Upper - alone.Lower > 0.05, $"the metric's own interval {alone}");
    }

    [Fact]
    public void A_much_noisier_model_has_a_small_p_and_the_same_inputs_give_the_same_answer()
    {
        var noisy = FakeRuns.Noisy(Cohort, noise: 3.0, seed: 4);
        var first = PairedBootstrap.Compare(noisy, Cohort, resamples: 400, seed: 7);
        var again = PairedBootstrap.Compare(noisy, Cohort, resamples: 400, seed: 7);
        Assert.Equal(first, again);
        var auprc = first.Single(d => d.Key == MetricKeys.Auprc);
        double expected = BinaryMetrics.AveragePrecision(noisy.LabelColumn(0), noisy.ProbabilityColumn(0))!.Value
                          - BinaryMetrics.AveragePrecision(Cohort.LabelColumn(0), Cohort.ProbabilityColumn(0))!.Value;
        Assert.Equal(expected, auprc.Difference, 12);
        Assert.True(auprc.Difference < 0 && auprc.Interval.Upper < 0 && auprc.P < 0.01, $"{auprc}");
    }
}
