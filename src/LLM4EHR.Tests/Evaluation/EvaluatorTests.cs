using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Tests.Evaluation;

public class EvaluatorTests
{
    [Fact]
    public void Single_class_label_is_null_named_and_left_out_of_macro_means()
    {
        var source = SyntheticPredictions.Generate(ClinicalTask.Pheno, stays: 120, seed: 4);
        const int flat = 3; // make label 3 all-negative
        var labels = new double[source.Labels.Length];
        for (int e = 0; e < labels.Length; e++) labels[e] = e % 25 == flat ? 0 : source.Labels[e];
        var set = PredictionSet.FromProbabilities(ClinicalTask.Pheno, source.Names, labels, source.Probabilities);

        var report = Evaluator.Evaluate(ClinicalTask.Pheno, set, new EvaluationOptions { BootstrapResamples = 20 });

        Assert.Null(report.PerLabel[flat].Auroc);
        Assert.Null(report.PerLabel[flat].Auprc);
        Assert.Equal([PhenotypeNames.All[flat]], report.SingleClassLabels);
        var defined = report.PerLabel.Where(l => l.Index != flat).ToList();
        Assert.Equal(defined.Average(l => l.Auroc!.Value), report[MetricKeys.AurocMacro]!.Value, 12);
        Assert.Equal(defined.Average(l => l.Auprc!.Value), report[MetricKeys.AuprcMacro]!.Value, 12);
        // Macro F1 keeps every label, as sklearn's f1_score(average="macro") does.
        Assert.Equal(report.PerLabel.Average(l => l.F1), report[MetricKeys.F1Macro]!.Value, 12);

        using var json = JsonDocument.Parse(report.ToJson());
        var perLabel = json.RootElement.GetProperty("per_label");
        Assert.Equal(25, perLabel.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, perLabel[flat].GetProperty("auroc").ValueKind);
        Assert.Equal(PhenotypeNames.All[flat], json.RootElement.GetProperty("single_class_labels")[0].GetString());
    }

    [Fact]
    public void Json_headline_keys_are_exactly_the_task_keys()
    {
        foreach (var task in new[] { ClinicalTask.Ihm, ClinicalTask.Pheno })
        {
            var report = Evaluator.Evaluate(SyntheticPredictions.Generate(task, 50, seed: 2), new EvaluationOptions { BootstrapResamples = 10 });
            using var json = JsonDocument.Parse(report.ToJson());
            var numbers = json.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
                .Select(p => p.Name).Except(["count", "threshold"]).ToList();
            Assert.Equal(MetricKeys.Headline(task), numbers);
            Assert.Equal(MetricKeys.Headline(task), json.RootElement.GetProperty("ci").EnumerateObject().Select(p => p.Name).ToList());
        }
    }

    [Fact]
    public void Task_mismatch_and_bad_options_are_user_errors()
    {
        var ihm = SyntheticPredictions.Generate(ClinicalTask.Ihm, 20, seed: 1);
        Assert.Throws<BadInputException>(() => Evaluator.Evaluate(ClinicalTask.Pheno, ihm));
        Assert.Throws<BadInputException>(() => Evaluator.Evaluate(ihm, new EvaluationOptions { Threshold = 1.5 }));
        Assert.Throws<BadInputException>(() => Evaluator.Evaluate(ihm, new EvaluationOptions { BootstrapResamples = -1 }));
    }

    [Fact]
    public void Write_json_replaces_the_file_atomically()
    {
        var dir = Directory.CreateTempSubdirectory("llm4ehr-evaljson-").FullName;
        try
        {
            var path = Path.Combine(dir, "test", "metrics.json");
            var report = Evaluator.Evaluate(SyntheticPredictions.Generate(ClinicalTask.Ihm, 30, seed: 1), new EvaluationOptions { BootstrapResamples = 0 });
            report.WriteJson(path);
            report.WriteJson(path); // overwrite
            Assert.Equal(report.ToJson(), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
