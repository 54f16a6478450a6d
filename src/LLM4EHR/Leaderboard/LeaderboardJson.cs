using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.IO;

namespace LLM4EHR.Leaderboard;

/// <summary>
/// Everything the leaderboard computed: the method settings, notes, and per task the variants with their config
/// identity, runs, mean/sd/n per metric, seed-averaged metrics with CIs, per-label AUROC, parameters, throughput, and
/// the comparison with the reference (DeLong overall and per label: AUCs, variances, covariance, z, p; paired bootstrap
/// per headline metric). Undefined numbers are null.
/// </summary>
internal static class LeaderboardJson
{
    public static string Write(ModelLeaderboard board)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("method");
            w.WriteString("mean_sd", "over the variant's runs (seeds), sample sd");
            w.WriteString("ci", "95% percentile bootstrap over test stays of the seed-averaged predictions");
            w.WriteNumber("bootstrap_resamples", board.Options.BootstrapResamples);
            w.WriteNumber("bootstrap_seed", board.Options.BootstrapSeed);
            w.WriteString("auroc_test", "DeLong (fast algorithm of Sun & Xu 2014), two-sided, seed-averaged predictions vs the reference's");
            w.WriteString("other_tests", "paired bootstrap over stays, two-sided, p = (1 + #{|d_b - d| >= |d|}) / (1 + B)");
            w.WriteBoolean("synthetic_data", board.SyntheticData);
            w.WriteEndObject();
            w.WriteStartArray("notes");
            foreach (var note in board.Notes) w.WriteStringValue(note);
            w.WriteEndArray();
            w.WriteStartArray("groups");
            foreach (var g in board.Groups)
                WriteGroup(w, g);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteGroup(Utf8JsonWriter w, LeaderboardGroup g)
    {
        w.WriteStartObject();
        w.WriteString("task", g.Task.Id());
        w.WriteString("model", g.Name);
        w.WriteBoolean("is_reference", g.IsReference);
        w.WriteStartObject("identity");
        foreach (var (k, v) in g.Identity.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
        w.WriteStartArray("runs");
        foreach (var r in g.Runs)
        {
            w.WriteStartObject();
            w.WriteString("run_dir", r.RunDir);
            w.WriteNumber("seed", r.Seed);
            foreach (var (k, v) in r.Metrics) Number(w, k, v);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("metrics");
        foreach (var (k, s) in g.Metrics)
            Summary(w, k, s);
        w.WriteEndObject();
        w.WriteStartObject("seed_averaged");
        foreach (var (k, v) in LeaderboardRun.Values(g.Averaged))
        {
            w.WriteStartObject(k);
            Number(w, "value", v);
            if (g.Averaged.Intervals.TryGetValue(k, out var ci)) Interval(w, "ci", ci);
            w.WriteEndObject();
        }
        w.WriteStartArray("per_label_auroc");
        foreach (var l in g.Averaged.PerLabel) Number(w, l.Auroc);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("parameters");
        Number(w, "total", g.Parameters?.Total);
        Number(w, "trainable", g.Parameters?.Trainable);
        w.WriteEndObject();
        Summary(w, "tokens_per_s", g.TokensPerSecond);
        Summary(w, "train_s", g.TrainSeconds);
        if (g.Comparison is { } c)
        {
            w.WriteStartObject("comparison");
            w.WriteString("reference", c.Reference);
            DeLongResult(w, "delong", c.Auroc);
            w.WriteStartArray("delong_per_label");
            foreach (var d in c.PerLabel) DeLongResult(w, null, d);
            w.WriteEndArray();
            w.WriteStartObject("paired_bootstrap");
            foreach (var d in c.Bootstrap)
            {
                w.WriteStartObject(d.Key);
                Number(w, "diff", d.Difference);
                Interval(w, "ci", d.Interval);
                Number(w, "p", d.P);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void DeLongResult(Utf8JsonWriter w, string? name, DeLongResult d)
    {
        if (name is null) w.WriteStartObject(); else w.WriteStartObject(name);
        Number(w, "auc", d.AucA);
        Number(w, "auc_reference", d.AucB);
        Number(w, "variance", d.VarianceA);
        Number(w, "variance_reference", d.VarianceB);
        Number(w, "covariance", d.Covariance);
        Number(w, "diff", d.Difference);
        Number(w, "z", d.Z);
        Number(w, "p", d.P);
        w.WriteEndObject();
    }

    private static void Summary(Utf8JsonWriter w, string name, MetricSummary s)
    {
        w.WriteStartObject(name);
        Number(w, "mean", s.Mean);
        Number(w, "sd", s.Sd);
        w.WriteNumber("n", s.N);
        w.WriteEndObject();
    }

    private static void Interval(Utf8JsonWriter w, string name, ConfidenceInterval ci)
    {
        w.WriteStartArray(name);
        Number(w, ci.Lower);
        Number(w, ci.Upper);
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value) => JsonNumbers.Write(w, name, value);

    private static void Number(Utf8JsonWriter w, double? value) => JsonNumbers.Write(w, value);
}
