using System.Globalization;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using Spectre.Console;

namespace LLM4EHR.Cli.Commands;

/// <summary>Spectre tables for an <see cref="EvaluationReport"/>.</summary>
internal static class MetricsTables
{
    public static Table Headline(EvaluationReport report, string source)
    {
        string ciTitle = report.Intervals.Count > 0
            ? $"{report.UpperPercentile - report.LowerPercentile:0.#}% CI ({report.BootstrapResamples} resamples)"
            : "CI (bootstrap off)";
        var table = new Table()
            .Title(Markup.Escape($"{report.Task.ToString().ToUpperInvariant()} — {report.Count} stays — {Path.GetFileName(source)}"))
            .AddColumn("metric")
            .AddColumn(new TableColumn("value").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape(ciTitle)).RightAligned());
        foreach (var (key, value) in report.Metrics)
        {
            string ci = report.Intervals.TryGetValue(key, out var interval)
                ? $"[{Format(interval.Lower)}, {Format(interval.Upper)}]"
                : "";
            table.AddRow(Markup.Escape(key), Format(value), Markup.Escape(ci));
        }
        return table;
    }

    public static Table PerLabel(EvaluationReport report)
    {
        var table = new Table()
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn("phenotype")
            .AddColumn(new TableColumn("pos").RightAligned())
            .AddColumn(new TableColumn("AUROC").RightAligned())
            .AddColumn(new TableColumn("AUPRC").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned());
        foreach (var l in report.PerLabel)
            table.AddRow(l.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(l.Name),
                l.Positives.ToString(CultureInfo.InvariantCulture), Format(l.Auroc), Format(l.Auprc), Format(l.F1));
        return table;
    }

    /// <summary>Headline table (with CIs), the per-phenotype table for Pheno, calibration and single-class notes.</summary>
    public static void WriteReport(EvaluationReport report, string source)
    {
        AnsiConsole.Write(Headline(report, source));
        if (report.Task == ClinicalTask.Pheno)
            AnsiConsole.Write(PerLabel(report));
        var c = report.Calibration;
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]calibration[/] Brier {c.Brier.ToString("F4", CultureInfo.InvariantCulture)}  ECE ({c.Bins} bins) {c.Ece.ToString("F4", CultureInfo.InvariantCulture)}");
        if (report.SingleClassLabels.Count > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]single-class labels (no AUROC/AUPRC, left out of macro means):[/] {string.Join("; ", report.SingleClassLabels)}");
        if (report.SyntheticData)
            AnsiConsole.MarkupLine("[yellow]synthetic data:[/] these stays come from the generated demo cohort, not MIMIC; the numbers only show the pipeline works");
    }

    private static string Format(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "—";
}
