using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.IO;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>
/// <c>RUN_DIR/report.md</c>: a model card written from the run folder alone (config.yaml, run.json, log.jsonl,
/// test/metrics.json), so it can be rebuilt for any finished run (<c>llm4ehr report</c>). Follows the TRIPOD-LLM
/// items that apply to a fine-tuned classifier (listed in its last section); never contains note text.
/// </summary>
public static class ModelCard
{
    public const string FileName = "report.md";
    /// <summary>The card rendered with its charts (written by LLM4EHR.Interactive's RunReportHtml).</summary>
    public const string HtmlFileName = "report.html";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string PathOf(string runDir) => Path.Combine(runDir, FileName);

    public static void Write(string runDir) => AtomicFile.WriteAllText(PathOf(runDir), Render(runDir));

    public static string Render(string runDir)
    {
        var config = ExperimentConfigLoader.Load(RunLayout.Config(runDir));
        var run = RunProvenance.Read(runDir) ?? throw new BadInputException($"{runDir}: no run.json (train the run with this version first)");
        string metricsPath = Path.Combine(runDir, "test", "metrics.json");
        if (!File.Exists(metricsPath))
            throw new BadInputException($"{runDir}: no test/metrics.json (the run has not finished)");
        using var metricsDoc = JsonDocument.Parse(File.ReadAllText(metricsPath));
        var metrics = metricsDoc.RootElement;
        var history = TrainingHistory.ReadRun(runDir);
        bool synthetic = run["synthetic_data"]?.GetValue<bool>() ?? false;
        var md = new StringBuilder();

        md.AppendLine($"# Model card: {config.Task.Id().ToUpperInvariant()} — {Path.GetFileName(Path.TrimEndingDirectorySeparator(runDir))}").AppendLine();
        if (synthetic)
            md.AppendLine("> **Synthetic data.** This run used the generated demo cohort, not MIMIC: its numbers show that the pipeline works, nothing about patients.").AppendLine();
        md.AppendLine("## Task and data").AppendLine();
        md.AppendLine($"- Task: {TaskText(config.Task)}; prediction from the first {config.Text.MaxNotes} clinical notes ({ConfigNames.Snake(config.Text.NoteOrder)} in time) within {config.Task.HorizonHours()} h of ICU admission.");
        md.AppendLine($"- Data: `{run["data"]?["root"]}` (p2x pickles); {(synthetic ? "synthetic cohort written by llm4ehr" : "MIMIC-derived cohort (not included here)")}.");
        md.AppendLine().AppendLine("| split | stays | kept | without notes | truncated | tokens | file sha256 |").AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var split in new[] { "train", "val", "test" })
        {
            var t = run["tokenization"]?[split];
            md.AppendLine($"| {split} | {run["data"]?[split]?["records"]} | {t?["kept_stays"]} | {t?["stays_without_notes"]} | {t?["truncated_stays"]} | {t?["tokens"]} | `{Short(run["data"]?[split]?["sha256"])}` |");
        }
        md.AppendLine().AppendLine("### Data audit").AppendLine();
        var audit = run["audit"] as JsonArray;
        if (audit is null || audit.Count == 0)
            md.AppendLine("No findings.");
        else
            foreach (var f in audit.OfType<JsonObject>())
                md.AppendLine($"- **{f["severity"]}** `{f["check"]}` ({f["split"]}): {f["message"]}");

        md.AppendLine().AppendLine("## Preprocessing").AppendLine();
        md.AppendLine($"- Notes written as `{config.Text.Template.Replace("\n", "\\n")}`, joined by newlines after BOS; at most {config.Text.MaxTokens} tokens ({ConfigNames.Snake(config.Text.Truncation)}); stays without notes: {ConfigNames.Snake(config.Text.EmptyNotes)}.");
        if (config.Model.Type.ReadsSeries())
            md.AppendLine($"- Time series: reg_ts [{config.Task.HorizonHours()} h × 34], standardized with train-split statistics (`{Data.Series.ColumnStandardizer.FileName}`); see data-schema/README.md.");
        if (SeriesPipeline.NeedsTokens(config))
            md.AppendLine($"- Tokenizer: {run["tokenizer"]?["kind"]} (vocabulary {run["tokenizer"]?["vocab_size"]}, sha256 `{Short(run["tokenizer"]?["sha256"])}`).");

        md.AppendLine().AppendLine("## Model").AppendLine();
        if (SeriesModelText(config) is { } seriesText)
            md.AppendLine(seriesText);
        if (SeriesPipeline.NeedsModelFolder(config))
            md.AppendLine($"- Base: `{config.Model.Path}` (fingerprint `{Short(run["model"]?["fingerprint"])}`), frozen{(config.Quantization.Nf4 ? $", NF4 4-bit{(config.Quantization.DoubleQuant ? " with double quantization" : "")}" : "")}; {EncoderSettings.Describe(config.Model) ?? "final hidden states mask-mean-pooled"}, linear head, BCE loss.");
        if (config.Model.Type.ReadsNotes())
            md.AppendLine(config.Lora.Enabled && config.Embeddings.Cache is null
            ? $"- LoRA r {config.Lora.R}, alpha {Hp(config.Lora.Alpha)}, dropout {Hp(config.Lora.Dropout)} on {string.Join(", ", config.Lora.Targets)}."
            : "- No adapters: only the head trains.");
        md.AppendLine($"- Parameters: {Count(run["parameters"]?["total"])} total, {Count(run["parameters"]?["trainable"])} trainable.");

        var tr = config.Training;
        md.AppendLine().AppendLine("## Training").AppendLine();
        md.AppendLine($"- {tr.Epochs} epochs, batch {tr.BatchSize} × grad_accum {tr.GradAccum}, AdamW lr {Hp(tr.Lr)}{(tr.HeadLr is { } h ? $" (head {Hp(h)})" : "")}, weight decay {Hp(tr.WeightDecay)}, warmup {Hp(tr.WarmupRatio)}, clipping {(tr.MaxGradNorm > 0 ? Hp(tr.MaxGradNorm) : "off")}, seed {tr.Seed}.");
        md.AppendLine($"- Checkpoint chosen by validation `{tr.BestMetric}`; device {run["environment"]?["device"]}; wall time {Num(run["wall_s"]?.GetValue<double>() ?? double.NaN, "F0")} s.");
        md.AppendLine().AppendLine("| epoch | train loss | val loss | val " + tr.BestMetric + " | best |").AppendLine("|---:|---:|---:|---:|---|");
        foreach (var e in history.Epochs)
            md.AppendLine($"| {e.Epoch} | {Num(e.TrainLoss)} | {Num(e.Val.GetValueOrDefault("loss", double.NaN))} | {Num(e.Val.GetValueOrDefault(tr.BestMetric, double.NaN))} | {(e.Improved ? "✓" : "")} |");

        md.AppendLine().AppendLine("## Test results").AppendLine();
        md.AppendLine($"{metrics.GetProperty("count").GetInt32()} test stays; 95% bootstrap intervals over stays ({metrics.GetProperty("bootstrap").GetProperty("resamples").GetInt32()} resamples, seed {metrics.GetProperty("bootstrap").GetProperty("seed").GetInt32()}).").AppendLine();
        md.AppendLine("| metric | value | 95% CI |").AppendLine("|---|---:|---|");
        var ci = metrics.GetProperty("ci");
        foreach (var key in Evaluation.MetricKeys.Headline(config.Task))
            md.AppendLine($"| {key} | {Num(metrics.GetProperty(key))} | {(ci.TryGetProperty(key, out var c) ? $"[{Num(c[0])}, {Num(c[1])}]" : "")} |");
        var cal = metrics.GetProperty("calibration");
        md.AppendLine().AppendLine($"Calibration: Brier {Num(cal.GetProperty("brier"))}, ECE {Num(cal.GetProperty("ece"))} ({cal.GetProperty("bins").GetInt32()} bins).");
        if (config.Task == ClinicalTask.Pheno && metrics.TryGetProperty("per_label", out var perLabel))
        {
            md.AppendLine().AppendLine("| # | phenotype | positives | AUROC | AUPRC | F1 |").AppendLine("|---:|---|---:|---:|---:|---:|");
            int i = 0;
            foreach (var l in perLabel.EnumerateArray())
                md.AppendLine($"| {i++} | {l.GetProperty("name").GetString()} | {l.GetProperty("positives").GetInt32()} | {Num(l.GetProperty("auroc"))} | {Num(l.GetProperty("auprc"))} | {Num(l.GetProperty("f1"))} |");
        }

        md.AppendLine().AppendLine("## Provenance").AppendLine();
        md.AppendLine($"- Code {run["code"]?["version"]}{(run["code"]?["dirty"]?.GetValue<bool>() == true ? " (uncommitted changes)" : "")}; .NET {run["environment"]?["dotnet"]}, TorchSharp {run["environment"]?["torchsharp"]}, libtorch {run["environment"]?["libtorch"]}.");
        md.AppendLine($"- Machine: {run["environment"]?["cpu"]?["model"]} ({run["environment"]?["os"]}); started {run["started_utc"]}, finished {run["finished_utc"]}.");
        md.AppendLine($"- Config sha256 `{Short(run["config_sha256"])}`; full record in `run.json`.");

        md.AppendLine().AppendLine("## Limitations").AppendLine();
        foreach (var limitation in Limitations(config, run, synthetic))
            md.AppendLine($"- {limitation}");

        md.AppendLine().AppendLine("## TRIPOD-LLM items covered").AppendLine();
        md.AppendLine("Title/abstract-level items are the author's. Covered here: data source and dates of the run (provenance), eligibility and outcome (task), data preprocessing and text selection (notes per stay, template, truncation), sample size per split, missing data (stays without notes), model and fine-tuning details (base, quantization, LoRA, trainable parameters, hyper-parameters), model selection (validation metric), performance measures with uncertainty (bootstrap CIs), calibration, subgroup/per-label results (Pheno), leakage checks (audit), reproducibility (seeds, code version, data and model hashes), and limitations. Not covered: fairness across demographic groups (p2x files carry none), external validation, human evaluation.");
        return md.ToString();
    }

    private static IEnumerable<string> Limitations(ExperimentConfig config, JsonObject run, bool synthetic)
    {
        if (synthetic)
            yield return "Synthetic cohort: no clinical conclusion can be drawn.";
        long truncated = 0, kept = 0;
        foreach (var split in new[] { "train", "val", "test" })
        {
            truncated += run["tokenization"]?[split]?["truncated_stays"]?.GetValue<int>() ?? 0;
            kept += run["tokenization"]?[split]?["kept_stays"]?.GetValue<int>() ?? 0;
        }
        if (truncated > 0)
            yield return $"Truncation: {truncated} of {kept} stays ({100.0 * truncated / Math.Max(1, kept):F1}%) were cut at {config.Text.MaxTokens} tokens; later note content was not seen.";
        yield return $"Single seed ({config.Training.Seed}): seed-to-seed variation is not reflected in the intervals, which cover test-set sampling only (use `llm4ehr sweep` over seeds).";
        if ((run["audit"] as JsonArray)?.OfType<JsonObject>().Any(f => (string?)f["severity"] == "warning") == true)
            yield return "The data audit raised warnings (above); results may be optimistic or unstable where they apply.";
        if (!config.Model.Type.ReadsSeries())
            yield return "Notes only: the time series in the same files were not used by this model.";
        else if (!config.Model.Type.ReadsNotes())
            yield return "Time series only: the notes in the same files were not used by this model.";
    }

    // What a model reading the time series (or cached note embeddings) is made of; null for the plain note models.
    private static string? SeriesModelText(ExperimentConfig config)
    {
        var s = config.Series;
        string encoder = config.Model.Type == ModelType.Cnn || (config.Model.Type == ModelType.Fusion && s.Encoder == "cnn")
            ? $"1-D CNN ({s.Layers} conv layers of {s.Hidden} filters, kernel {s.Kernel}, dropout {Hp(s.Dropout)}, global max pooling)"
            : $"LSTM (hidden {s.Hidden}, {s.Layers} layers, dropout {Hp(s.Dropout)}, last hidden state)";
        string notes = config.Embeddings.Cache is { } cache ? $"cached frozen note embeddings (`{cache}`)" : "the Llama note encoder (mask-mean-pooled)";
        return config.Model.Type switch
        {
            ModelType.Lstm or ModelType.Cnn => $"- Time series: {encoder} over reg_ts (17 values standardized with train statistics, last observation carried forward, + 17 masks), linear head, BCE loss.",
            ModelType.Logreg => $"- Time series: L2 logistic regression (lambda {Hp(s.L2)}) on 714 mimic3-benchmarks hand features of reg_ts, standardized with train statistics, missing features imputed with the train mean.",
            ModelType.Fusion => $"- Fusion: {notes} and a {encoder} over reg_ts, pooled representations concatenated under one linear head, BCE loss.",
            ModelType.Llama when config.Embeddings.Cache is not null => $"- Linear probe: L2 logistic regression (lambda {Hp(s.L2)}) on {notes}.",
            _ => null,
        };
    }

    private static string TaskText(ClinicalTask task) => task == ClinicalTask.Ihm
        ? "in-hospital mortality (IHM), binary, from the first 48 h"
        : "acute care phenotyping (Pheno), 25 labels (mimic3-benchmarks), from the first 24 h";

    private static string Short(JsonNode? hash) => hash?.GetValue<string>() is { } h ? h.Replace("sha256:", "")[..Math.Min(12, h.Replace("sha256:", "").Length)] : "n/a";
    private static string Count(JsonNode? n) => n is null ? "n/a" : n.GetValue<long>().ToString("N0", Inv);
    private static string Hp(double x) => x.ToString("G", Inv);
    private static string Num(double x, string format = "F4") => double.IsFinite(x) ? x.ToString(format, Inv) : "—";
    private static string Num(JsonElement e) => e.ValueKind == JsonValueKind.Number ? Num(e.GetDouble()) : "—";
}
