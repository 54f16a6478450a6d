using System.Globalization;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Leaderboard;
using LLM4EHR.Tests.Support;
using Xunit.Abstractions;

namespace LLM4EHR.Tests.Leaderboard;

/// <summary>
/// Cross-language: our DeLong (binary searches over sorted classes) against fast_delong.py (Sun &amp; Xu's midranks in
/// NumPy), on fixed random Pheno-shaped data with heavy ties, a rare label with one positive and a single-class label.
/// AUCs, variances, covariances and p-values agree within 1e-6 (in practice to rounding).
/// </summary>
public sealed class DeLongCrossCheckTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    [SkippableFact]
    public void Per_label_and_macro_DeLong_match_the_numpy_fast_DeLong()
    {
        Python.Require("numpy");
        var (a, b) = TiedPair(stays: 300, seed: 20261201);
        double[] z = [0, 0.1, 1, 1.959963984540054, 2.5, 3, 4.2, 7];
        var want = RunScript(a, b, z);

        var perLabel = DeLong.CompareLabels(a, b);
        var expectedLabels = want.GetProperty("labels");
        int compared = 0;
        for (int j = 0; j < a.LabelCount; j++)
        {
            var expected = expectedLabels[j];
            if (expected.ValueKind == JsonValueKind.Null)
            {
                Assert.True(double.IsNaN(perLabel[j].AucA), $"label {j}: single class, expected no AUC");
                continue;
            }
            Same(expected, perLabel[j], $"label {j}");
            compared++;
        }
        Assert.True(compared >= 23, $"only {compared} labels compared");
        Same(want.GetProperty("macro"), DeLong.CompareMacro(a, b), "macro");

        output.WriteLine($"{compared} labels + macro: largest |numpy - ours| of an AUC variance or covariance {_largest["var"]:E2}, of a p-value {_largest["p"]:E2}");
        var erfc = want.GetProperty("erfc");
        for (int i = 0; i < z.Length; i++)
            Near(erfc[i].GetDouble(), NormalDistribution.TwoSidedP(z[i]), $"two-sided p of z = {z[i]}", 1e-15);
    }

    [Fact]
    public void DeLong_auc_is_sklearns_and_one_label_macro_is_that_label()
    {
        var (a, b) = TiedPair(stays: 120, seed: 5);
        var perLabel = DeLong.CompareLabels(a, b);
        for (int j = 0; j < a.LabelCount; j++)
        {
            var auroc = BinaryMetrics.Auroc(a.LabelColumn(j), a.ProbabilityColumn(j));
            Assert.Equal(auroc ?? double.NaN, perLabel[j].AucA, 12);
        }
        var ihmA = Column(a, 0);
        var ihmB = Column(b, 0);
        Assert.Equal(perLabel[0], DeLong.CompareMacro(ihmA, ihmB));
    }

    [Fact]
    public void Identical_predictions_differ_by_nothing_and_a_useless_model_is_significantly_worse()
    {
        var good = SyntheticPredictions.Generate(ClinicalTask.Ihm, stays: 400, seed: 3);
        var same = DeLong.CompareMacro(good, good);
        Assert.Equal((0.0, 1.0), (same.Difference, same.P));
        Assert.True(same.VarianceA > 0 && Math.Abs(same.DifferenceVariance) < 1e-15);

        var noise = new Random(9);
        var useless = PredictionSet.FromProbabilities(ClinicalTask.Ihm, good.Names,
            good.Labels.ToArray().Select(l => (double)l).ToArray(), good.Names.Select(_ => noise.NextDouble()).ToArray());
        var worse = DeLong.CompareMacro(useless, good);
        Assert.True(worse.Difference < -0.2, $"difference {worse.Difference}");
        Assert.True(worse.P < 1e-6, $"p {worse.P}");
        Assert.Equal(worse.P, DeLong.CompareMacro(good, useless).P, 15); // two-sided: symmetric
    }

    // Model A: synthetic Pheno predictions rounded to 2 decimals (ties); model B: A's logit plus noise, rounded to 1
    // decimal (more ties); label 3 gets a single positive and label 7 none, to cover the edge cases.
    private static (PredictionSet A, PredictionSet B) TiedPair(int stays, int seed)
    {
        var a = SyntheticPredictions.Generate(ClinicalTask.Pheno, stays, seed, decimals: 2);
        int k = a.LabelCount;
        var rng = new Random(seed + 1);
        var labels = a.Labels.ToArray().Select(l => (double)l).ToArray();
        for (int i = 0; i < stays; i++)
        {
            labels[i * k + 3] = i == 17 ? 1 : 0;
            labels[i * k + 7] = 0;
        }
        var probsB = a.Probabilities.ToArray().Select(p => Math.Round(Math.Clamp(p + 0.25 * (rng.NextDouble() - 0.5), 0, 1), 1)).ToArray();
        return (PredictionSet.FromProbabilities(ClinicalTask.Pheno, a.Names, labels, a.Probabilities),
                PredictionSet.FromProbabilities(ClinicalTask.Pheno, a.Names, labels, probsB));
    }

    private static PredictionSet Column(PredictionSet set, int label) =>
        PredictionSet.FromProbabilities(ClinicalTask.Ihm, set.Names, set.LabelColumn(label).Select(l => (double)l).ToArray(), set.ProbabilityColumn(label));

    private static JsonElement RunScript(PredictionSet a, PredictionSet b, double[] z)
    {
        var rows = Enumerable.Range(0, a.Count).ToList();
        string file = Path.Combine(Path.GetTempPath(), $"llm4ehr-delong-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            y = rows.Select(i => Enumerable.Range(0, a.LabelCount).Select(j => a.Label(i, j))),
            a = rows.Select(i => Enumerable.Range(0, a.LabelCount).Select(j => a.Probability(i, j))),
            b = rows.Select(i => Enumerable.Range(0, b.LabelCount).Select(j => b.Probability(i, j))),
            z,
        }));
        try
        {
            var script = File.ReadAllText(Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests", "Leaderboard", "fast_delong.py"));
            var (code, stdout, stderr) = Python.Run(script, file);
            Assert.True(code == 0, stderr);
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally { File.Delete(file); }
    }

    private readonly Dictionary<string, double> _largest = new() { ["var"] = 0, ["p"] = 0 };

    private void Same(JsonElement expected, DeLongResult actual, string what)
    {
        foreach (var (key, value) in new[] { ("var_a", actual.VarianceA), ("var_b", actual.VarianceB), ("cov", actual.Covariance) })
            _largest["var"] = Math.Max(_largest["var"], Math.Abs(expected.GetProperty(key).GetDouble() - value));
        _largest["p"] = Math.Max(_largest["p"], Math.Abs(expected.GetProperty("p").GetDouble() - actual.P));
        Near(expected.GetProperty("auc_a").GetDouble(), actual.AucA, what + " auc_a");
        Near(expected.GetProperty("auc_b").GetDouble(), actual.AucB, what + " auc_b");
        Near(expected.GetProperty("var_a").GetDouble(), actual.VarianceA, what + " var_a");
        Near(expected.GetProperty("var_b").GetDouble(), actual.VarianceB, what + " var_b");
        Near(expected.GetProperty("cov").GetDouble(), actual.Covariance, what + " cov");
        Near(expected.GetProperty("p").GetDouble(), actual.P, what + " p");
    }

    private static void Near(double expected, double actual, string what, double tolerance = Tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: numpy {expected.ToString("R", CultureInfo.InvariantCulture)}, ours {actual.ToString("R", CultureInfo.InvariantCulture)}");
}
