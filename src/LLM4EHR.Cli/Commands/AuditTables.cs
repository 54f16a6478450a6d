using System.Globalization;
using LLM4EHR.Data.Audit;
using Spectre.Console;

namespace LLM4EHR.Cli.Commands;

/// <summary>Spectre tables of a data audit: findings (warnings first), then token lengths per split.</summary>
internal static class AuditTables
{
    public static void Write(AuditReport audit)
    {
        var findings = new Table().Title("data audit").AddColumn("").AddColumn("check").AddColumn("split")
            .AddColumn(new TableColumn("count").RightAligned()).AddColumn("finding");
        foreach (var f in audit.Findings.OrderByDescending(f => f.Severity))
            findings.AddRow(f.Severity == AuditSeverity.Warning ? "[yellow]warn[/]" : "[grey]info[/]", f.Check, f.Split,
                f.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(f.Message));
        if (audit.Findings.Count == 0)
            findings.AddRow("[green]ok[/]", "all", "all", "0", "no findings");
        AnsiConsole.Write(findings);

        var lengths = new Table().Title("tokens per stay (as fed to the model)").AddColumn("split")
            .AddColumn(new TableColumn("median").RightAligned()).AddColumn(new TableColumn("p90").RightAligned())
            .AddColumn(new TableColumn("max").RightAligned()).AddColumn(new TableColumn("truncated").RightAligned());
        foreach (var l in audit.Lengths)
            lengths.AddRow(l.Split, N(l.Median), N(l.P90), N(l.Max), $"{N(l.Truncated)} ({(100 * l.TruncatedShare).ToString("F1", CultureInfo.InvariantCulture)}% at {N(l.MaxTokens)})");
        AnsiConsole.Write(lengths);
        AnsiConsole.MarkupLine(audit.Warnings.Count == 0 ? "[green]audit: no warnings[/]" : $"[yellow]audit: {audit.Warnings.Count} warning(s)[/]");
    }

    private static string N(int x) => x.ToString("N0", CultureInfo.InvariantCulture);
}
