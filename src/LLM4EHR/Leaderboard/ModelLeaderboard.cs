using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.IO;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Variants × tasks of a set of finished runs with mean ± sd over seeds, CIs, parameter counts, throughput and paired
/// tests against a reference (see <see cref="LeaderboardBuilder"/> for how each number is made). Written as paper-ready
/// Markdown, CSV (one row per variant) and JSON (everything, per-label tests included).
/// </summary>
public sealed record ModelLeaderboard(IReadOnlyList<LeaderboardGroup> Groups, IReadOnlyList<string> Notes, LeaderboardOptions Options)
{
    public static ModelLeaderboard Build(IEnumerable<string> dirs, LeaderboardOptions? options = null, CancellationToken cancellationToken = default) =>
        LeaderboardBuilder.Build(dirs, options ?? new LeaderboardOptions(), cancellationToken);

    public IReadOnlyList<ClinicalTask> Tasks => Groups.Select(g => g.Task).Distinct().ToList();

    public IReadOnlyList<LeaderboardGroup> GroupsOf(ClinicalTask task) => Groups.Where(g => g.Task == task).ToList();

    /// <summary>True when any run scored a generated (synthetic) cohort: its numbers say nothing about MIMIC.</summary>
    public bool SyntheticData => Groups.Any(g => g.Averaged.SyntheticData);

    public string ToMarkdown() => LeaderboardMarkdown.Write(this);
    public string ToCsv() => LeaderboardCsv.Write(this);
    public string ToJson() => LeaderboardJson.Write(this);

    /// <summary>Writes PREFIX.md, PREFIX.csv and PREFIX.json (each atomically); returns their paths.</summary>
    public IReadOnlyList<string> WriteFiles(string prefix)
    {
        var files = new[] { (prefix + ".md", ToMarkdown()), (prefix + ".csv", ToCsv()), (prefix + ".json", ToJson()) };
        foreach (var (path, text) in files)
            AtomicFile.WriteAllText(path, text);
        return files.Select(f => Path.GetFullPath(f.Item1)).ToList();
    }

    /// <summary>The reference variant of a task.</summary>
    public LeaderboardGroup Reference(ClinicalTask task) => GroupsOf(task).First(g => g.IsReference);

    internal static IReadOnlyList<string> SummaryKeys(ClinicalTask task) => [.. MetricKeys.Headline(task), MetricKeys.Brier, MetricKeys.Ece];
}

/// <summary>
/// How runs are grouped and compared. <see cref="GroupBy"/>: config keys defining a variant (empty: the whole config
/// minus seed and output keys). <see cref="Reference"/>: the variant others are compared with (null: each task's first).
/// The bootstrap (CIs and paired AUPRC tests) uses the evaluation's defaults: 1000 resamples, seed 0.
/// </summary>
public sealed record LeaderboardOptions
{
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    public string? Reference { get; init; }
    public int BootstrapResamples { get; init; } = 1000;
    public int BootstrapSeed { get; init; } = EvaluationOptions.DefaultBootstrapSeed;
}
