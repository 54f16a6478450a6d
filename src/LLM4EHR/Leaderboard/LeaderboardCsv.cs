using System.Globalization;
using System.Text;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// One CSV row per variant and task: identification, seeds, <c>KEY_mean</c>/<c>KEY_sd</c> per metric, the seed-averaged
/// <c>KEY_avg</c> with <c>KEY_ci_lower</c>/<c>KEY_ci_upper</c>, the reference comparison (<c>delong_*</c> on AUROC;
/// <c>KEY_diff</c>, <c>KEY_diff_ci_*</c>, <c>KEY_p</c> from the paired bootstrap), parameters and throughput.
/// Undefined numbers are empty; IHM rows leave Pheno-only columns empty and vice versa.
/// </summary>
internal static class LeaderboardCsv
{
    public static string Write(ModelLeaderboard board)
    {
        var tasks = board.Tasks;
        var summaryKeys = tasks.SelectMany(ModelLeaderboard.SummaryKeys).Distinct().ToList();
        var headlineKeys = tasks.SelectMany(MetricKeys.Headline).Distinct().ToList();
        var header = new List<string> { "task", "model", "reference", "is_reference", "seeds", "runs" };
        header.AddRange(summaryKeys.SelectMany(k => new[] { $"{k}_mean", $"{k}_sd" }));
        header.AddRange(headlineKeys.SelectMany(k => new[] { $"{k}_avg", $"{k}_ci_lower", $"{k}_ci_upper" }));
        header.AddRange(["delong_auc_diff", "delong_z", "delong_p"]);
        header.AddRange(headlineKeys.SelectMany(k => new[] { $"{k}_diff", $"{k}_diff_ci_lower", $"{k}_diff_ci_upper", $"{k}_p" }));
        header.AddRange(["params_total", "params_trainable", "tokens_per_s_mean", "tokens_per_s_sd", "train_s_mean", "train_s_sd", "run_dirs"]);

        var sb = new StringBuilder();
        sb.AppendJoin(',', header).Append('\n');
        foreach (var g in board.Groups)
        {
            var c = g.Comparison;
            var row = new List<string>
            {
                g.Task.Id(), Text(g.Name), Text(board.Reference(g.Task).Name), g.IsReference ? "true" : "false",
                Text(string.Join(' ', g.Seeds)), g.Runs.Count.ToString(CultureInfo.InvariantCulture),
            };
            foreach (var k in summaryKeys)
                row.AddRange(g.Metrics.TryGetValue(k, out var s) ? [Num(s.Mean), Num(s.Sd)] : ["", ""]);
            foreach (var k in headlineKeys)
            {
                bool has = g.Averaged.Metrics.Any(m => m.Key == k);
                var ci = g.Averaged.Intervals.TryGetValue(k, out var interval) ? interval : (ConfidenceInterval?)null;
                row.AddRange(has ? [Num(g.Averaged[k] ?? double.NaN), Num(ci?.Lower), Num(ci?.Upper)] : ["", "", ""]);
            }
            row.AddRange(c is null ? ["", "", ""] : [Num(c.Auroc.Difference), Num(c.Auroc.Z), Num(c.Auroc.P)]);
            foreach (var k in headlineKeys)
            {
                var d = c?.Bootstrap.FirstOrDefault(b => b.Key == k);
                row.AddRange(d is null ? ["", "", "", ""] : [Num(d.Difference), Num(d.Interval.Lower), Num(d.Interval.Upper), Num(d.P)]);
            }
            row.AddRange([Num(g.Parameters?.Total), Num(g.Parameters?.Trainable), Num(g.TokensPerSecond.Mean), Num(g.TokensPerSecond.Sd),
                Num(g.TrainSeconds.Mean), Num(g.TrainSeconds.Sd), Text(string.Join(';', g.Runs.Select(r => r.RunDir)))]);
            sb.AppendJoin(',', row).Append('\n');
        }
        return sb.ToString();
    }

    private static string Num(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Text(string value) => CsvFields.Escape(value);
}
