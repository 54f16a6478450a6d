using LLM4EHR.Data;
using LLM4EHR.Leaderboard;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace LLM4EHR.Interactive;

/// <summary>A leaderboard as the notebooks show it: a DataFrame, a forest plot of AUROC with CIs, a per-label Pheno heatmap.</summary>
public static class LeaderboardViews
{
    /// <summary>
    /// One row per variant and task: seeds; mean and sd over seeds of AUROC and AUPRC (Pheno: the macro ones), F1, Brier,
    /// ECE; the seed-averaged AUROC with its 95% CI; DeLong and paired-bootstrap p against the reference; parameters and
    /// throughput. Null where a value is undefined.
    /// </summary>
    public static DataFrame Frame(ModelLeaderboard board)
    {
        var g = board.Groups;
        static double? N(double v) => double.IsFinite(v) ? v : null;
        string Auroc(LeaderboardGroup x) => LeaderboardGroup.AurocKey(x.Task);
        string Auprc(LeaderboardGroup x) => LeaderboardGroup.AuprcKeys(x.Task)[0];
        string F1(LeaderboardGroup x) => x.Task == ClinicalTask.Ihm ? Evaluation.MetricKeys.F1 : Evaluation.MetricKeys.F1Macro;
        return new DataFrame(
            new StringDataFrameColumn("task", g.Select(x => x.Task.Id())),
            new StringDataFrameColumn("model", g.Select(x => x.IsReference ? x.Name + " (ref)" : x.Name)),
            new Int32DataFrameColumn("seeds", g.Select(x => (int?)x.Runs.Count)),
            new DoubleDataFrameColumn("auroc", g.Select(x => N(x.Metrics[Auroc(x)].Mean))),
            new DoubleDataFrameColumn("auroc_sd", g.Select(x => N(x.Metrics[Auroc(x)].Sd))),
            new DoubleDataFrameColumn("auprc", g.Select(x => N(x.Metrics[Auprc(x)].Mean))),
            new DoubleDataFrameColumn("auprc_sd", g.Select(x => N(x.Metrics[Auprc(x)].Sd))),
            new DoubleDataFrameColumn("f1", g.Select(x => N(x.Metrics[F1(x)].Mean))),
            new DoubleDataFrameColumn("brier", g.Select(x => N(x.Metrics[Evaluation.MetricKeys.Brier].Mean))),
            new DoubleDataFrameColumn("ece", g.Select(x => N(x.Metrics[Evaluation.MetricKeys.Ece].Mean))),
            new DoubleDataFrameColumn("auroc_seed_avg", g.Select(x => x.Averaged[Auroc(x)])),
            new DoubleDataFrameColumn("ci_lower", g.Select(x => N(Interval(x).Lower))),
            new DoubleDataFrameColumn("ci_upper", g.Select(x => N(Interval(x).Upper))),
            new DoubleDataFrameColumn("delong_p", g.Select(x => x.Comparison is { } c ? N(c.Auroc.P) : null)),
            new DoubleDataFrameColumn("auprc_p", g.Select(x => x.Comparison is { } c ? N(c[Auprc(x)].P) : null)),
            new Int64DataFrameColumn("params_total", g.Select(x => x.Parameters?.Total)),
            new Int64DataFrameColumn("params_trainable", g.Select(x => x.Parameters?.Trainable)),
            new DoubleDataFrameColumn("tokens_per_s", g.Select(x => N(x.TokensPerSecond.Mean))),
            new DoubleDataFrameColumn("train_s", g.Select(x => N(x.TrainSeconds.Mean))));
    }

    /// <summary>Seed-averaged AUROC (Pheno: macro) with its 95% bootstrap CI, one row per model, one series per task.</summary>
    public static GenericChart Forest(ModelLeaderboard board, string title = "AUROC of seed-averaged predictions, 95% CI")
    {
        var series = board.Tasks.Select(task =>
        {
            var groups = board.GroupsOf(task);
            return (Name: task.Id().ToUpperInvariant(),
                Labels: groups.Select(g => $"{g.Name} ({task.Id()})").ToArray(),
                Values: groups.Select(g => g.Averaged[LeaderboardGroup.AurocKey(task)] ?? double.NaN).ToArray(),
                Lower: groups.Select(g => Interval(g).Lower).ToArray(),
                Upper: groups.Select(g => Interval(g).Upper).ToArray());
        });
        return Charts.Forest(series, board.SyntheticData ? title + " (synthetic demo data)" : title, "AUROC");
    }

    /// <summary>Per-label AUROC of each Pheno variant's seed-averaged predictions (rows: variants, columns: phenotypes).</summary>
    public static GenericChart PerLabelHeatmap(ModelLeaderboard board, string title = "Pheno AUROC per phenotype (seed-averaged predictions)")
    {
        var groups = board.GroupsOf(ClinicalTask.Pheno);
        if (groups.Count == 0)
            throw new ArgumentException("the leaderboard has no Pheno runs");
        var labels = PhenotypeNames.For(ClinicalTask.Pheno).Select(n => n.Length <= 24 ? n : n[..23] + "…").ToArray();
        var z = groups.Select(g => g.Averaged.PerLabel.Select(l => l.Auroc ?? double.NaN).ToArray()).ToArray();
        return Charts.Heatmap(labels, groups.Select(g => g.Name).ToArray(), z, board.SyntheticData ? title + " (synthetic demo data)" : title);
    }

    private static Evaluation.ConfidenceInterval Interval(LeaderboardGroup g) =>
        g.Averaged.Intervals.TryGetValue(LeaderboardGroup.AurocKey(g.Task), out var ci) ? ci : new(double.NaN, double.NaN, 0);
}
