using System.Net;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.IO;
using LLM4EHR.Training;
using Markdig;

namespace LLM4EHR.Interactive;

/// <summary>
/// <c>RUN_DIR/report.html</c>: the model card (report.md, rendered with Markdig) followed by its charts: loss and
/// validation curves from log.jsonl, ROC, precision-recall and calibration of the test predictions. One
/// self-contained page: plotly.js is inlined, so it opens offline.
/// </summary>
public static class RunReportHtml
{
    public const string FileName = ModelCard.HtmlFileName;

    /// <summary>Writes report.md (if missing) and report.html into <paramref name="runDir"/>; returns the HTML path.</summary>
    public static string Write(string runDir)
    {
        if (!File.Exists(ModelCard.PathOf(runDir)))
            ModelCard.Write(runDir);
        string markdown = File.ReadAllText(ModelCard.PathOf(runDir));
        var pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();
        string body = Markdown.ToHtml(markdown, pipeline);

        var history = TrainingHistory.ReadRun(runDir);
        var config = LLM4EHR.Config.ExperimentConfigLoader.Load(RunLayout.Config(runDir));
        var predictions = PredictionCsv.Read(Path.Combine(runDir, "test", "predictions.csv"), config.Task);
        var report = Evaluator.Evaluate(predictions, new EvaluationOptions
        {
            BootstrapResamples = 0,
            SyntheticData = GeneratedFolder.IsSyntheticCohort(config.Data.Root),
        });
        var charts = new[]
        {
            ReportCharts.Loss(history), ReportCharts.ValidationMetrics(history),
            ReportCharts.Roc(report), ReportCharts.PrecisionRecall(report), ReportCharts.Calibration(report),
        };
        string title = WebUtility.HtmlEncode($"Model card: {Path.GetFileName(Path.TrimEndingDirectorySeparator(runDir))}");
        string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title>\n"
            + "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:2px 8px}blockquote{background:#fff4d6;margin:0;padding:0.5em 1em}</style></head><body>\n"
            + body + "\n<h2>Charts</h2>\n"
            + string.Join("\n", charts.Select((c, i) => ChartHtml.ToHtml(c, includePlotlyJs: i == 0)))
            + "\n</body></html>\n";
        string path = Path.Combine(runDir, FileName);
        AtomicFile.WriteAllText(path, html);
        return path;
    }
}
