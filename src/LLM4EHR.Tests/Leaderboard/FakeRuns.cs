using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Leaderboard;

/// <summary>
/// Finished run folders written directly (no training): a resolved config.yaml from <c>--set</c> overrides, test
/// predictions that share one cohort's stays and labels but differ in their scores, and a log.jsonl of steps.
/// </summary>
internal sealed class FakeRuns(string root)
{
    public const string Yaml = """
        task: ihm
        data: {root: /nonexistent/ihm-data}
        model: {path: /nonexistent/model}
        """;

    public string Root { get; } = root;

    /// <summary>The cohort every run predicts: its stays, labels and a reasonable score per stay and label.</summary>
    public static PredictionSet Cohort(ClinicalTask task, int stays = 200) => SyntheticPredictions.Generate(task, stays, seed: 11, decimals: null);

    /// <summary>
    /// Writes run <paramref name="name"/>: the cohort's labels, scores = cohort score + <paramref name="noise"/>·N(0,1)
    /// noise drawn with <paramref name="noiseSeed"/>, and steps of (seconds, tokens/s).
    /// </summary>
    public string Write(string name, PredictionSet cohort, double noise, int noiseSeed, string[] overrides, (double Seconds, double TokensPerSecond)[]? steps = null)
    {
        string dir = Path.Combine(Root, name);
        var config = ExperimentConfigLoader.Parse(cohort.Task == ClinicalTask.Ihm ? Yaml : Yaml.Replace("task: ihm", "task: pheno"), "fake.yaml",
            [.. overrides, $"output.run_dir={dir}"]);
        ExperimentConfigLoader.Save(config, RunLayout.Config(dir));
        PredictionCsv.Write(Path.Combine(dir, "test", "predictions.csv"), Noisy(cohort, noise, noiseSeed));
        var lines = (steps ?? [(1.0, 100.0)]).Select((s, i) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"step","step":{{i + 1}},"epoch":1,"loss":0.5,"lr":0.001,"tokens_per_s":{{s.TokensPerSecond}},"grad_norm":1,"seconds":{{s.Seconds}}}"""));
        File.WriteAllLines(RunLayout.Log(dir), lines);
        return dir;
    }

    public static PredictionSet Noisy(PredictionSet cohort, double noise, int seed)
    {
        var rng = new Random(seed);
        var labels = cohort.Labels.ToArray().Select(l => (double)l).ToArray();
        var probs = cohort.Probabilities.ToArray().Select(p =>
        {
            double logit = Math.Log(p / (1 - p)) + noise * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return 1 / (1 + Math.Exp(-logit));
        }).ToArray();
        return PredictionSet.FromProbabilities(cohort.Task, cohort.Names, labels, probs);
    }
}
