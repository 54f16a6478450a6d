using System.Globalization;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Evaluation;

/// <summary>Cross-language: Debian's scikit-learn on random data with heavy ties, compared within 1e-9.</summary>
public class SklearnCrossCheckTests
{
    private const double Tolerance = 1e-9;

    // For each case: roc_auc_score, average_precision_score, f1_score(zero_division=0), roc_curve, precision_recall_curve.
    private const string BinaryScript = """
import json, sys, warnings
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, f1_score, roc_curve, precision_recall_curve
warnings.simplefilter("ignore")
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    y = np.array(c["y"]); s = np.array(c["s"])
    fpr, tpr, thr = roc_curve(y, s)
    thr = [t if np.isfinite(t) else None for t in thr.tolist()]  # sklearn >= 1.3 starts at inf, 1.2 at max + 1
    p, r, pthr = precision_recall_curve(y, s)
    out.append({"auroc": roc_auc_score(y, s), "ap": average_precision_score(y, s),
                "f1": f1_score(y, s >= 0.5, zero_division=0),
                "roc": [fpr.tolist(), tpr.tolist(), thr], "pr": [p.tolist(), r.tolist(), pthr.tolist()]})
print(json.dumps(out))
""";

    private const string PhenoScript = """
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, f1_score, accuracy_score
d = json.load(open(sys.argv[1]))
y = np.array(d["y"]); p = np.array(d["p"]); yp = (p >= 0.5).astype(int)
print(json.dumps({"auroc_macro": roc_auc_score(y, p, average="macro"), "auroc_micro": roc_auc_score(y, p, average="micro"),
    "auprc_macro": average_precision_score(y, p, average="macro"), "auprc_micro": average_precision_score(y, p, average="micro"),
    "f1_macro": f1_score(y, yp, average="macro", zero_division=0), "f1_micro": f1_score(y, yp, average="micro", zero_division=0),
    "accuracy": accuracy_score(y, yp)}))
""";

    [SkippableFact]
    public void Binary_metrics_and_curves_match_sklearn_on_tied_random_data()
    {
        Python.Require("numpy", "sklearn");
        var rng = new Random(20261128);
        var cases = new List<(byte[] Y, double[] S)>();
        foreach (int n in new[] { 2, 3, 5, 10, 37, 100, 500, 2000 })
            for (int rep = 0; rep < 3; rep++)
            {
                // Few distinct score levels (ties everywhere), then some cases with no ties at all.
                int levels = rep == 2 ? 1_000_000 : 2 + rng.Next(8);
                var y = new byte[n];
                var s = new double[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = (byte)(i < 2 ? i : rng.Next(2));          // both classes always present
                    s[i] = Math.Round(rng.Next(levels) / (double)(levels - 1) * 0.6 + 0.3 * y[i], 6);
                }
                cases.Add((y, s));
            }
        var file = WriteJson(cases.Select(c => new { y = c.Y.Select(v => (int)v), s = c.S }));
        var expected = RunPython(BinaryScript, file);

        for (int c = 0; c < cases.Count; c++)
        {
            var (y, s) = cases[c];
            var want = expected[c];
            string label = $"case {c} (n={y.Length})";
            Near(want.GetProperty("auroc").GetDouble(), BinaryMetrics.Auroc(y, s)!.Value, label + " auroc");
            Near(want.GetProperty("ap").GetDouble(), BinaryMetrics.AveragePrecision(y, s)!.Value, label + " ap");
            Near(want.GetProperty("f1").GetDouble(), BinaryMetrics.F1(y, s), label + " f1");
            var roc = BinaryMetrics.Roc(y, s)!;
            var wantRoc = want.GetProperty("roc");
            Series(wantRoc[0], roc.FalsePositiveRate, label + " fpr");
            Series(wantRoc[1], roc.TruePositiveRate, label + " tpr");
            Series(wantRoc[2], roc.Thresholds, label + " roc thresholds");
            var pr = BinaryMetrics.PrecisionRecall(y, s)!;
            var wantPr = want.GetProperty("pr");
            Series(wantPr[0], pr.Precision, label + " precision");
            Series(wantPr[1], pr.Recall, label + " recall");
            Series(wantPr[2], pr.Thresholds, label + " pr thresholds");
        }
    }

    [SkippableFact]
    public void Pheno_macro_micro_and_subset_accuracy_match_sklearn()
    {
        Python.Require("numpy", "sklearn");
        var set = SyntheticPredictions.Generate(ClinicalTask.Pheno, stays: 400, seed: 7, decimals: 2);
        int k = set.LabelCount;
        var rows = Enumerable.Range(0, set.Count).ToList();
        var file = WriteJson(new
        {
            y = rows.Select(i => Enumerable.Range(0, k).Select(j => set.Label(i, j))),
            p = rows.Select(i => Enumerable.Range(0, k).Select(j => set.Probability(i, j))),
        });
        var want = RunPython(PhenoScript, file);
        var report = Evaluator.Evaluate(ClinicalTask.Pheno, set, new EvaluationOptions { BootstrapResamples = 0 });
        foreach (var key in MetricKeys.Headline(ClinicalTask.Pheno))
            Near(want.GetProperty(key).GetDouble(), report[key]!.Value, key);
    }

    private static void Near(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance,
            $"{what}: sklearn {expected.ToString("R", CultureInfo.InvariantCulture)}, ours {actual.ToString("R", CultureInfo.InvariantCulture)}");

    private static void Series(JsonElement expected, double[] actual, string what)
    {
        Assert.True(expected.GetArrayLength() == actual.Length, $"{what}: sklearn has {expected.GetArrayLength()} points, ours {actual.Length}");
        for (int i = 0; i < actual.Length; i++)
            if (expected[i].ValueKind != JsonValueKind.Null) // only the first ROC threshold under sklearn >= 1.3
                Near(expected[i].GetDouble(), actual[i], $"{what}[{i}]");
    }

    private static string WriteJson(object value)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llm4ehr-sklearn-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(value));
        return path;
    }

    private static JsonElement RunPython(string script, string file)
    {
        try
        {
            var (code, stdout, stderr) = Python.Run(script, file);
            Assert.True(code == 0, stderr);
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally { File.Delete(file); }
    }
}
