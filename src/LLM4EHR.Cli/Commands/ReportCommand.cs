using System.ComponentModel;
using LLM4EHR.Experiments;
using LLM4EHR.Interactive;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr report</c>: (re)writes a finished run's model card, report.md and report.html.</summary>
[CliCommand("report", "Write a finished run's model card: RUN_DIR/report.md and report.html (charts inlined, opens offline).")]
internal sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--run <RUN_DIR>")]
        [Description("A run folder written by `llm4ehr train`.")]
        public string Run { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--run RUN_DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Run))
            throw new BadInputException($"{settings.Run}: run folder not found");
        ModelCard.Write(settings.Run);
        string html = RunReportHtml.Write(settings.Run);
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {ModelCard.PathOf(settings.Run)} and {html}");
        return 0;
    }
}
