using LLM4EHR.Config;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// One finished run as the leaderboard reads it: its resolved config.yaml, its test predictions, their metrics
/// (headline keys, <c>brier</c>, <c>ece</c>; NaN where undefined), parameter counts (from the config and the base model's
/// config.json; null when that is not on this machine) and training throughput (from log.jsonl).
/// </summary>
public sealed record LeaderboardRun(string RunDir, ExperimentConfig Config, PredictionSet Predictions,
    IReadOnlyDictionary<string, double> Metrics, ParameterCount? Parameters, RunThroughput Throughput)
{
    public int Seed => Config.Training.Seed;
    public string PredictionsPath => PredictionsFile(RunDir);

    public static string PredictionsFile(string runDir) => Path.Combine(RunLayout.SplitOutputs(runDir, "test"), "predictions.csv");

    public static LeaderboardRun Load(string runDir)
    {
        runDir = Path.GetFullPath(runDir);
        string configPath = RunLayout.Config(runDir);
        if (!File.Exists(configPath))
            throw new BadInputException($"{runDir}: not a run folder (no config.yaml)");
        string predictionsPath = PredictionsFile(runDir);
        if (!File.Exists(predictionsPath))
            throw new BadInputException($"{runDir}: no test predictions ({Path.GetRelativePath(runDir, predictionsPath)}); finish or test the run first");
        var config = ExperimentConfigLoader.Load(configPath);
        var predictions = PredictionCsv.Read(predictionsPath, config.Task);
        var report = Evaluator.Evaluate(config.Task, predictions, new EvaluationOptions { BootstrapResamples = 0 });
        return new LeaderboardRun(runDir, config, predictions, Values(report), ParameterCount.TryFor(config), RunThroughput.Read(runDir));
    }

    /// <summary>A report's headline values plus Brier and ECE, NaN where undefined.</summary>
    public static IReadOnlyDictionary<string, double> Values(EvaluationReport report)
    {
        var values = report.Metrics.ToDictionary(m => m.Key, m => m.Value ?? double.NaN);
        values[MetricKeys.Brier] = report.Calibration.Brier;
        values[MetricKeys.Ece] = report.Calibration.Ece;
        return values;
    }
}
