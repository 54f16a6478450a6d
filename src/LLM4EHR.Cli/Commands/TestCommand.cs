using System.ComponentModel;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr test</c>: re-evaluates a trained run's best checkpoint on a split.</summary>
[CliCommand("test", "Re-evaluate a trained run's best checkpoint on the val or test split.")]
internal sealed class TestCommand : Command<TestCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--run <RUN_DIR>")]
        [Description("A run folder written by `llm4ehr train`.")]
        public string Run { get; init; } = "";

        [CommandOption("--split <SPLIT>")]
        [Description("val|test.")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--data-root <DIR>")]
        [Description("Evaluate on another data root (same task) instead of the run's.")]
        public string? DataRoot { get; init; }

        [CommandOption("--bootstrap <N>")]
        [Description("Bootstrap resamples for the 95% intervals (0 = none).")]
        [DefaultValue(1000)]
        public int Bootstrap { get; init; } = 1000;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--run RUN_DIR is required")
            : Split is not ("val" or "test") ? ValidationResult.Error($"--split must be val or test, got '{Split}'")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var split = settings.Split == "val" ? P2xSplit.Val : P2xSplit.Test;
        var view = new TrainingConsole();
        var report = ExperimentRunner.Test(settings.Run, split, settings.DataRoot, view.Stages, settings.Bootstrap, cancellationToken);
        string dir = Path.Combine(Path.GetFullPath(settings.Run), settings.Split);
        MetricsTables.WriteReport(report, dir);
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {Path.Combine(dir, "metrics.json")}");
        return 0;
    }
}
