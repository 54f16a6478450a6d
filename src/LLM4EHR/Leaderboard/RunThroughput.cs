using LLM4EHR.Training;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Training speed of a run from its log.jsonl: <see cref="TrainSeconds"/> = the summed wall time of its optimizer steps
/// (evaluation and start-up excluded, so runs and resumed runs compare fairly), <see cref="TokensPerSecond"/> = the real
/// (unpadded) tokens of those steps per second. Logs written before steps recorded their seconds give the mean per-step
/// rate and no time (NaN); a run without a log gives NaN for both.
/// </summary>
public sealed record RunThroughput(double TokensPerSecond, double TrainSeconds)
{
    public static RunThroughput Read(string runDir)
    {
        if (!File.Exists(RunLayout.Log(runDir)))
            return new RunThroughput(double.NaN, double.NaN);
        var steps = TrainingHistory.ReadRun(runDir).Steps;
        if (steps.Count == 0)
            return new RunThroughput(double.NaN, double.NaN);
        if (steps.Any(s => !double.IsFinite(s.Seconds)))
            return new RunThroughput(steps.Average(s => s.TokensPerSecond), double.NaN);
        double seconds = steps.Sum(s => s.Seconds);
        double tokens = steps.Sum(s => s.Seconds * s.TokensPerSecond);
        return new RunThroughput(seconds > 0 ? tokens / seconds : double.NaN, seconds);
    }
}
