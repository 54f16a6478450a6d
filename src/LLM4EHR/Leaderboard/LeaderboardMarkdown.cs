using System.Text;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using static LLM4EHR.Leaderboard.LeaderboardFormat;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// The leaderboard as Markdown for a paper or README: per task a table of mean ± sd over seeds, a table of the
/// seed-averaged predictions' metrics with 95% CIs and paired tests against the reference, and for Pheno the per-label
/// DeLong tests. A short methods note says how each number was made.
/// </summary>
internal static class LeaderboardMarkdown
{
    public static string Write(ModelLeaderboard board)
    {
        var md = new StringBuilder();
        md.Append("# Leaderboard\n\n");
        md.Append($"Test split. Mean ± sd over seeds of each run's metrics. 95% CI: percentile bootstrap over test stays ({board.Options.BootstrapResamples} resamples, seed {board.Options.BootstrapSeed}) ")
          .Append("of each variant's seed-averaged predictions. p-values compare those predictions with the reference variant's on the same stays: ")
          .Append("DeLong's test for AUROC, a paired bootstrap for AUPRC; two-sided, not adjusted for multiple comparisons. ")
          .Append("Parameters counted from the config and the base model's config.json; tokens/s and train s (summed optimizer-step time) from log.jsonl.\n\n");
        if (board.SyntheticData)
            md.Append("> **Synthetic demo data**: these runs scored a generated cohort, not MIMIC; the numbers only show the pipeline works.\n\n");
        foreach (var note in board.Notes)
            md.Append($"> Note: {note}\n\n");
        foreach (var task in board.Tasks)
            WriteTask(md, board, task);
        return md.ToString();
    }

    private static void WriteTask(StringBuilder md, ModelLeaderboard board, ClinicalTask task)
    {
        var groups = board.GroupsOf(task);
        var reference = board.Reference(task);
        md.Append($"## {task.Id().ToUpperInvariant()} ({reference.Averaged.Count} test stays)\n\n");

        var metricKeys = ModelLeaderboard.SummaryKeys(task).Where(k => k != MetricKeys.Accuracy).ToList();
        Header(md, ["Model", "Seeds", .. metricKeys.Select(Title), "Params (total / trainable)", "Tokens/s", "Train s"]);
        foreach (var g in groups)
            Row(md, [Cell(g), g.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. metricKeys.Select(k => MeanSd(g.Metrics[k])),
                $"{Count(g.Parameters?.Total)} / {Count(g.Parameters?.Trainable)}",
                MeanSd(g.TokensPerSecond, 0), MeanSd(g.TrainSeconds, 1)]);
        md.Append('\n');

        string auroc = LeaderboardGroup.AurocKey(task);
        var auprcKeys = LeaderboardGroup.AuprcKeys(task);
        md.Append($"Seed-averaged predictions [95% CI], vs reference **{Escape(reference.Name)}**:\n\n");
        Header(md, ["Model", $"{Title(auroc)} [95% CI]", "Δ", "DeLong p", .. auprcKeys.SelectMany(k => new[] { $"{Title(k)} [95% CI]", "Δ", "bootstrap p" })]);
        foreach (var g in groups)
        {
            var c = g.Comparison;
            Row(md, [Cell(g), Averaged(g, auroc), c is null ? "—" : Delta(c.Auroc.Difference), c is null ? "—" : P(c.Auroc.P),
                .. auprcKeys.SelectMany(k => new[] { Averaged(g, k), c is null ? "—" : Delta(c[k].Difference), c is null ? "—" : P(c[k].P) })]);
        }
        md.Append('\n');
        if (task == ClinicalTask.Pheno && groups.Count > 1)
            WritePerLabel(md, groups, reference);
    }

    private static void WritePerLabel(StringBuilder md, IReadOnlyList<LeaderboardGroup> groups, LeaderboardGroup reference)
    {
        var others = groups.Where(g => !g.IsReference).ToList();
        md.Append($"Per-label AUROC of the seed-averaged predictions: reference **{Escape(reference.Name)}**, then each variant's Δ (DeLong p):\n\n");
        Header(md, ["Phenotype", Escape(reference.Name), .. others.Select(g => Escape(g.Name))]);
        foreach (var label in reference.Averaged.PerLabel)
            Row(md, [Escape(label.Name), Number(label.Auroc ?? double.NaN),
                .. others.Select(g => g.Comparison!.PerLabel[label.Index] is var d && double.IsFinite(d.AucA) ? $"{Delta(d.Difference)} ({P(d.P)})" : Missing)]);
        md.Append('\n');
    }

    private static string Averaged(LeaderboardGroup g, string key) =>
        WithInterval(g.Averaged[key] ?? double.NaN, g.Averaged.Intervals.TryGetValue(key, out var ci) ? ci : null);

    private static string Cell(LeaderboardGroup g) => Escape(g.Name) + (g.IsReference ? " (ref)" : "");

    /// <summary>auroc_macro → "AUROC macro", brier → "Brier".</summary>
    internal static string Title(string key) => key switch
    {
        MetricKeys.Brier => "Brier",
        MetricKeys.Ece => "ECE",
        MetricKeys.Accuracy => "Accuracy",
        _ => key.Replace('_', ' ').ToUpperInvariant().Replace("MACRO", "macro").Replace("MICRO", "micro"),
    };

    private static void Row(StringBuilder md, IEnumerable<string> cells) => md.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    // The header row and its rule: the first column left-aligned, numbers right-aligned.
    private static void Header(StringBuilder md, IReadOnlyList<string> cells)
    {
        Row(md, cells);
        md.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", cells.Count - 1))).Append('\n');
    }

    private static string Escape(string text) => text.Replace("|", "\\|");
}
