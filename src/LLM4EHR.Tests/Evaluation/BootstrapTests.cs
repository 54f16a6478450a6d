using LLM4EHR.Data;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Tests.Evaluation;

public class BootstrapTests
{
    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Same_seed_gives_the_same_intervals_for_any_thread_count(ClinicalTask task)
    {
        var set = SyntheticPredictions.Generate(task, stays: 200, seed: 3);
        var one = Evaluator.Evaluate(set, new EvaluationOptions { BootstrapResamples = 120, BootstrapSeed = 11, MaxDegreeOfParallelism = 1 });
        var many = Evaluator.Evaluate(set, new EvaluationOptions { BootstrapResamples = 120, BootstrapSeed = 11, MaxDegreeOfParallelism = 4 });
        var other = Evaluator.Evaluate(set, new EvaluationOptions { BootstrapResamples = 120, BootstrapSeed = 12 });

        Assert.Equal(MetricKeys.Headline(task).Order(StringComparer.Ordinal), one.Intervals.Keys.Order(StringComparer.Ordinal));
        foreach (var key in MetricKeys.Headline(task))
            Assert.Equal(one.Intervals[key], many.Intervals[key]);
        Assert.NotEqual(one.Intervals[MetricKeys.Headline(task)[0]], other.Intervals[MetricKeys.Headline(task)[0]]);
    }

    [Theory]
    [InlineData(ClinicalTask.Ihm)]
    [InlineData(ClinicalTask.Pheno)]
    public void Each_resample_equals_evaluating_the_drawn_stays_directly(ClinicalTask task)
    {
        // The fast path scores a resample through row weights on the original ranking; rebuilding the
        // resampled data set and evaluating it from scratch must give the same numbers.
        var set = SyntheticPredictions.Generate(task, stays: 80, seed: 5, decimals: 2);
        var engine = new MetricEngine(set, 0.5);
        const int seed = 42;
        var runs = BootstrapSampler.Run(engine, resamples: 5, seed, maxDegreeOfParallelism: 2);
        int k = set.LabelCount;
        for (int r = 0; r < runs.Length; r++)
        {
            var rng = new Random(BootstrapSampler.ResampleSeed(seed, r));
            var drawn = Enumerable.Range(0, set.Count).Select(_ => rng.Next(set.Count)).ToArray();
            var labels = drawn.SelectMany(i => Enumerable.Range(0, k).Select(j => (double)set.Label(i, j))).ToArray();
            var probs = drawn.SelectMany(i => Enumerable.Range(0, k).Select(j => set.Probability(i, j))).ToArray();
            var resampled = PredictionSet.FromProbabilities(task, drawn.Select(i => set.Names[i]).ToList(), labels, probs);
            var direct = Evaluator.Evaluate(resampled, new EvaluationOptions { BootstrapResamples = 0 });
            for (int m = 0; m < engine.Keys.Count; m++)
                Assert.Equal(direct[engine.Keys[m]] ?? double.NaN, runs[r][m], 12);
        }
    }

    [Fact]
    public void Intervals_bracket_the_point_estimate_and_narrow_with_more_stays()
    {
        var small = Evaluator.Evaluate(SyntheticPredictions.Generate(ClinicalTask.Ihm, 150, seed: 9),
            new EvaluationOptions { BootstrapResamples = 300 });
        var large = Evaluator.Evaluate(SyntheticPredictions.Generate(ClinicalTask.Ihm, 3000, seed: 9),
            new EvaluationOptions { BootstrapResamples = 300 });
        foreach (var report in new[] { small, large })
        {
            var ci = report.Intervals[MetricKeys.Auroc];
            Assert.InRange(report[MetricKeys.Auroc]!.Value, ci.Lower, ci.Upper);
            Assert.Equal(300, ci.Resamples);
        }
        double Width(EvaluationReport r) => r.Intervals[MetricKeys.Auroc].Upper - r.Intervals[MetricKeys.Auroc].Lower;
        Assert.True(Width(large) < Width(small) / 2, $"width {Width(large)} (3000 stays) vs {Width(small)} (150 stays)");
    }

    [Fact]
    public void Percentiles_interpolate_linearly_like_numpy()
    {
        double[] sorted = [10, 20, 30, 40, 50];
        // numpy.percentile([10..50], q): index h = q/100·(n−1), then linear between neighbours.
        Assert.Equal(11.0, BootstrapSampler.Percentile(sorted, 2.5), 12);
        Assert.Equal(49.0, BootstrapSampler.Percentile(sorted, 97.5), 12);
        Assert.Equal(30.0, BootstrapSampler.Percentile(sorted, 50), 12);
        Assert.Equal(50.0, BootstrapSampler.Percentile(sorted, 100), 12);
        Assert.Equal(7.0, BootstrapSampler.Percentile([7.0], 2.5), 12);
    }

    [Fact]
    public void Resamples_without_both_classes_are_left_out_of_the_interval()
    {
        // 1 positive in 30 stays: about a third of resamples draw no positive and have no AUROC.
        var labels = Enumerable.Range(0, 30).Select(i => i == 0 ? 1.0 : 0.0).ToArray();
        var probs = Enumerable.Range(0, 30).Select(i => i / 30.0).ToArray();
        var set = PredictionSet.FromProbabilities(ClinicalTask.Ihm, labels.Select((_, i) => $"s{i}").ToList(), labels, probs);
        var report = Evaluator.Evaluate(set, new EvaluationOptions { BootstrapResamples = 200 });
        var ci = report.Intervals[MetricKeys.Auroc];
        Assert.InRange(ci.Resamples, 1, 199);
        Assert.Equal(200, report.Intervals[MetricKeys.Accuracy].Resamples);
        Assert.False(double.IsNaN(ci.Lower));
    }
}
