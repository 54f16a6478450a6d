using System.Text.Json;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>End-to-end runs of the small experiment: what a run folder holds, re-testing, kill and resume.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class ExperimentRunnerTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void Train_writes_the_config_log_best_checkpoint_predictions_and_metrics()
    {
        var result = sandbox.Baseline;
        string run = result.RunDir;
        Assert.Equal(sandbox.RunDir("default"), run);
        Assert.False(result.Training.Interrupted);
        Assert.Equal(2 * 15, result.Training.Steps);                      // 2 epochs × ceil(120 / 8)

        // The resolved config reads back to the same config.
        var saved = ExperimentConfigLoader.Load(RunLayout.Config(run));
        Assert.Equal(ExperimentConfigLoader.ToYaml(sandbox.Config()), ExperimentConfigLoader.ToYaml(saved));

        var steps = ExperimentSandbox.LogRecords(run, "step");
        Assert.Equal(Enumerable.Range(1, 30), steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.All(steps, s => Assert.True(double.IsFinite(s.GetProperty("loss").GetDouble())));
        var epochs = ExperimentSandbox.LogRecords(run, "epoch");
        Assert.Equal(2, epochs.Count);
        Assert.Equal(result.Training.BestValue, epochs[result.Training.BestEpoch - 1].GetProperty("val").GetProperty("auprc").GetDouble());
        Assert.True(File.Exists(RunLayout.BestWeights(run)));

        // predictions.csv: the metrics contract's IHM columns, one row per test stay, in the test split's order.
        string csv = Path.Combine(run, "test", "predictions.csv");
        Assert.Equal("name,label,prob", File.ReadLines(csv).First());
        var predictions = PredictionCsv.Read(csv, ClinicalTask.Ihm);
        var stays = P2xDataset.LoadSplit(sandbox.DataRoot, ClinicalTask.Ihm, P2xSplit.Test);
        Assert.Equal(stays.Select(s => s.Name), predictions.Names);
        Assert.Equal(stays.Select(s => (byte)s.Labels[0]), predictions.Labels.ToArray());
        Assert.All(predictions.Probabilities.ToArray(), p => Assert.InRange(p, 0.0, 1.0));
        Assert.True(predictions.Probabilities.ToArray().Distinct().Count() > 1, "the model predicts one constant");

        // metrics.json: the headline keys with intervals, and the numbers the CSV gives when evaluated on its own.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
        var fromCsv = Evaluator.Evaluate(ClinicalTask.Ihm, predictions, new EvaluationOptions { BootstrapResamples = 0 });
        foreach (var key in new[] { "auroc", "auprc", "f1", "accuracy" })
        {
            double value = json.RootElement.GetProperty(key).GetDouble();
            Assert.Equal(result.Test![key], value);
            Assert.Equal(fromCsv[key]!.Value, value, 12);
            Assert.Equal(2, json.RootElement.GetProperty("ci").GetProperty(key).GetArrayLength());
        }
        Assert.Equal(ExperimentSandbox.Bootstrap, json.RootElement.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
    }

    [Fact]
    public void Test_on_the_trained_run_reproduces_its_test_predictions_and_metrics_exactly()
    {
        string run = sandbox.Baseline.RunDir;
        string metrics = File.ReadAllText(Path.Combine(run, "test", "metrics.json"));
        byte[] predictions = File.ReadAllBytes(Path.Combine(run, "test", "predictions.csv"));
        File.Delete(Path.Combine(run, "test", "metrics.json"));

        var report = ExperimentRunner.Test(run, P2xSplit.Test, bootstrapResamples: ExperimentSandbox.Bootstrap,
            tokenCacheDirectory: sandbox.CacheDirectory);

        Assert.Equal(metrics, report.ToJson(includeCurves: true));
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
        Assert.Equal(predictions, File.ReadAllBytes(Path.Combine(run, "test", "predictions.csv")));
    }

    [Fact]
    public void A_run_killed_mid_training_and_resumed_ends_with_the_same_test_metrics()
    {
        var expected = sandbox.Baseline;
        string run = sandbox.RunDir("killed");
        using var kill = new CancellationTokenSource();
        var killAt = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Phase == TrainingPhase.Train && p.Step == 18) kill.Cancel();    // in epoch 2, after epoch 1's evaluation
        });

        var cut = sandbox.Runner(sandbox.Config(), killAt).Train(run, cancellationToken: kill.Token);
        Assert.True(cut.Training.Interrupted);
        Assert.Equal(18, cut.Training.Steps);
        Assert.Null(cut.Test);
        Assert.False(Directory.Exists(Path.Combine(run, "test")), "an interrupted run must not write test results");

        var resumed = sandbox.Runner(sandbox.Config()).Train(run, resume: true);
        Assert.False(resumed.Training.Interrupted);
        Assert.Equal(expected.Training.Steps, resumed.Training.Steps);
        Assert.Equal(expected.Training.BestMetrics, resumed.Training.BestMetrics);
        Assert.Equal(File.ReadAllBytes(RunLayout.BestWeights(expected.RunDir)), File.ReadAllBytes(RunLayout.BestWeights(run)));
        Assert.Equal(ExperimentSandbox.LogRecords(expected.RunDir, "step").Select(s => s.GetProperty("loss").GetDouble()),
            ExperimentSandbox.LogRecords(run, "step").Select(s => s.GetProperty("loss").GetDouble()));
        Assert.Equal(File.ReadAllText(Path.Combine(expected.RunDir, "test", "metrics.json")),
            File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
    }

    [Fact]
    public void Evaluate_on_a_runs_predictions_gives_the_runs_own_intervals()
    {
        string run = sandbox.Baseline.RunDir;
        string output = Path.Combine(sandbox.Root, "re-evaluated", "metrics.json");
        var (code, stderr) = ExperimentCommandTests.Run("evaluate", "--predictions", Path.Combine(run, "test", "predictions.csv"),
            "--bootstrap", ExperimentSandbox.Bootstrap.ToString(), "--out", output);
        Assert.True(code == 0, stderr);
        using var own = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
        using var again = JsonDocument.Parse(File.ReadAllText(output));
        // Same predictions, same documented default seed: the same intervals, to the last digit.
        Assert.Equal(own.RootElement.GetProperty("ci").GetRawText(), again.RootElement.GetProperty("ci").GetRawText());
        Assert.Equal(0, own.RootElement.GetProperty("bootstrap").GetProperty("seed").GetInt32());
    }

    [Fact]
    public void A_second_run_reuses_the_demo_assets_and_the_token_cache()
    {
        _ = sandbox.Baseline;
        var written = Directory.GetFiles(sandbox.Root, "*", SearchOption.AllDirectories)
            .Where(f => f.StartsWith(sandbox.DataRoot) || f.StartsWith(sandbox.ModelPath))
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var stages = new List<ExperimentStage>();

        var splits = sandbox.Runner(sandbox.Config(), stages: new InlineProgress<ExperimentStage>(stages.Add)).Prepare();

        Assert.DoesNotContain(stages, s => s.Name is "demo" or "data");
        Assert.Equal(3, stages.Count(s => s.Name == "tokenize" && s.Detail.Contains(": hit")));
        Assert.Equal((120, 30, 30), (splits.Train.Count, splits.Val.Count, splits.Test.Count));
        Assert.All(written, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key)));
    }
}
