using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.Interactive;
using LLM4EHR.Training;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace LLM4EHR.Tests.Notebooks;

/// <summary>The notebook views of reports and logs show what the report and log hold, under the right names.</summary>
public sealed class ReportViewsTests
{
    private static readonly EvaluationReport Pheno = Evaluator.Evaluate(SyntheticPredictions.Generate(ClinicalTask.Pheno, 120, seed: 5),
        new EvaluationOptions { BootstrapResamples = 50 });

    private static List<JsonElement> Traces(GenericChart chart) =>
        JsonDocument.Parse(GenericChart.toJson(chart)).RootElement.GetProperty("data").EnumerateArray().ToList();

    [Fact]
    public void Metrics_table_has_every_headline_metric_with_its_interval_then_brier_and_ece()
    {
        var frame = ReportFrames.Metrics(Pheno);
        var names = ((StringDataFrameColumn)frame["metric"]).ToList();
        Assert.Equal(MetricKeys.Headline(ClinicalTask.Pheno).Append("brier").Append("ece"), names);
        for (int i = 0; i < Pheno.Metrics.Count; i++)
        {
            var (key, value) = Pheno.Metrics[i];
            Assert.Equal(value, (double?)frame["value"][i]);
            Assert.Equal(Pheno.Intervals[key].Lower, (double?)frame["ci_lower"][i]);
            Assert.Equal(Pheno.Intervals[key].Upper, (double?)frame["ci_upper"][i]);
        }
        Assert.Equal(Pheno.Calibration.Ece, (double?)frame["value"][names.Count - 1]);
        Assert.Null(frame["ci_lower"][names.Count - 1]);
    }

    [Fact]
    public void Per_label_table_names_the_phenotypes_and_curves_add_micro()
    {
        var frame = ReportFrames.PerLabel(Pheno);
        Assert.Equal(PhenotypeNames.All, ((StringDataFrameColumn)frame["name"]).ToList());
        Assert.Equal(Pheno.PerLabel.Select(l => l.Auroc), ((DoubleDataFrameColumn)frame["auroc"]).ToList());

        var roc = Traces(ReportCharts.Roc(Pheno));
        Assert.Equal(25 + 1 + 1, roc.Count); // labels, micro, chance diagonal
        Assert.StartsWith("micro (AUROC ", roc[25].GetProperty("name").GetString());
        Assert.Contains($"{Pheno[MetricKeys.AurocMicro]:F3}", roc[25].GetProperty("name").GetString());
        Assert.Equal(Pheno.Curves[0].Roc!.FalsePositiveRate, roc[0].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        var pr = Traces(ReportCharts.PrecisionRecall(Pheno));
        Assert.Equal(26, pr.Count);
        Assert.Equal(Pheno.Curves[25].PrecisionRecall!.Recall, pr[25].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        var calibration = Traces(ReportCharts.Calibration(Pheno));
        Assert.Equal(Pheno.Calibration.Reliability.Select(b => b.FractionPositive), calibration[0].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public void Epoch_table_and_charts_follow_the_training_log()
    {
        var history = new TrainingHistory(
            [new(1, 1, 0.9, 0, 100, 1), new(2, 1, 0.7, 0.1, 100, 1), new(3, 2, 0.5, 0.1, 100, 1), new(4, 2, 0.4, 0.05, 100, 1)],
            [new(1, 2, 0.8, new Dictionary<string, double>(), false, null),
             new(2, 4, 0.45, new Dictionary<string, double> { ["auroc"] = 0.7, ["loss"] = 0.5 }, true, 2)]);
        var frame = ReportFrames.Epochs(history);
        Assert.Equal(["epoch", "step", "train_loss", "val_auroc", "val_loss", "improved"], frame.Columns.Select(c => c.Name));
        Assert.Null(frame["val_auroc"][0]);
        Assert.Equal(0.7, frame["val_auroc"][1]);

        var loss = Traces(ReportCharts.Loss(history));
        Assert.Equal(["train (step)", "train (epoch mean)", "validation"], loss.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([4.0], loss[2].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()));
        var metrics = Traces(ReportCharts.ValidationMetrics(history));
        Assert.Equal("auroc", Assert.Single(metrics).GetProperty("name").GetString()); // loss has its own chart
    }

    [Fact]
    public void Training_monitor_throttles_steps_but_not_stages_or_evaluations_and_shows_the_outcome()
    {
        var monitor = new TrainingMonitor { MinInterval = TimeSpan.FromHours(1) };
        int changes = 0;
        monitor.Changed += () => changes++;
        IProgress<ExperimentStage> stages = monitor;
        IProgress<TrainingProgress> training = monitor;
        stages.Report(new ExperimentStage("tokenize", "train: 10 stays"));
        for (int step = 1; step <= 3; step++)
            training.Report(new TrainingProgress(TrainingPhase.Train, 1, 2, step, 4, 0.5, 1e-3, 900, TimeSpan.FromSeconds(step), null));
        Assert.Equal(1, changes); // stage only: steps within MinInterval are coalesced
        training.Report(new TrainingProgress(TrainingPhase.Train, 2, 2, 4, 4, 0.25, 0, 900, TimeSpan.FromSeconds(4), TimeSpan.Zero));
        training.Report(new TrainingProgress(TrainingPhase.Eval, 2, 2, 4, 4, 0.3, 0, 0, TimeSpan.FromSeconds(5), null,
            new Dictionary<string, double> { ["auroc"] = 0.875 }));
        Assert.Equal(3, changes); // the last step and the evaluation always show
        Assert.Contains("epoch 2/2, step 4/4, loss 0.2500", monitor.ToString());
        var html = monitor.ToHtml();
        Assert.Contains("<progress value=\"4\" max=\"4\"", html);
        Assert.Contains("<th>val auroc</th>", html);
        Assert.Contains("<td>0.8750</td>", html);
        Assert.Contains("tokenize: train: 10 stays", html);

        var result = new ExperimentResult("run", new TrainingResult(false, false, 4, 2, 0.875, null, "best"), null,
            new Dictionary<string, LLM4EHR.Text.TokenizationSummary>());
        monitor.Finish(result);
        Assert.Equal(4, changes);
        Assert.StartsWith("done: 4 steps, best epoch 2 (0.8750)", monitor.ToString());
    }
}
