using System.ComponentModel;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr train</c>: runs an experiment from YAML end to end and prints the test metrics.</summary>
[CliCommand("train", "Train an IHM or Pheno experiment from a YAML config, then evaluate the best checkpoint on the test split.")]
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config <FILE>")]
        [Description("Experiment YAML (config/demo-ihm.yaml, config/ihm.yaml, ...).")]
        public string Config { get; init; } = "";

        [CommandOption("--set <KEY=VALUE>")]
        [Description("Override a config key, e.g. --set training.lr=1e-4 (repeatable).")]
        public string[] Set { get; init; } = [];

        [CommandOption("--out <RUN_DIR>")]
        [Description("Run folder (default: output.run_dir from the config).")]
        public string? Out { get; init; }

        [CommandOption("--resume")]
        [Description("Continue an interrupted run from its last checkpoint (with --out RUN_DIR, --config defaults to the run's saved config.yaml).")]
        public bool Resume { get; init; }

        [CommandOption("--check")]
        [Description("Dry run: check config, data, model and run folder, print the plan (stays, steps, tokens, memory), train nothing.")]
        public bool Check { get; init; }

        [CommandOption("--strict")]
        [Description("The data audit's warnings (subject leakage, duplicates, labels with few positives, …) stop the run.")]
        public bool Strict { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Config) && !(Resume && Out is not null)
                ? ValidationResult.Error("--config FILE is required (or --resume --out RUN_DIR to continue a run with its saved config)")
                : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // `train --resume --out RUN_DIR` (what an interrupted run prints) resumes with the run's own resolved config.
        string configPath = string.IsNullOrWhiteSpace(settings.Config) ? RunLayout.Config(settings.Out!) : settings.Config;
        if (!File.Exists(configPath) && string.IsNullOrWhiteSpace(settings.Config))
            throw new BadInputException($"{settings.Out}: not a run folder (no config.yaml); pass --config FILE");
        var config = ExperimentConfigLoader.Load(configPath, settings.Set);
        foreach (var note in config.ImportNotes)
            AnsiConsole.MarkupLineInterpolated($"[yellow]seed config[/]: {note}");
        if (settings.Check)
        {
            var plan = new ExperimentRunner(config) { Stages = new TrainingConsole().Stages, StrictAudit = settings.Strict }.Check(settings.Out, settings.Resume);
            PlanTable.Write(plan, config);
            return 0;
        }
        var view = new TrainingConsole();
        using var signals = new CancelSignals(cancellationToken);
        var result = view.Run(progress => new ExperimentRunner(config) { Stages = view.Stages, TrainingProgress = progress, StrictAudit = settings.Strict }
            .Train(settings.Out, settings.Resume, signals.Token));
        if (result.Training.Interrupted)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]interrupted[/]: checkpoint saved; continue with --resume --out {result.RunDir}");
            return 130;
        }
        AnsiConsole.MarkupLineInterpolated($"[grey]best epoch[/] {result.Training.BestEpoch} ({config.Training.BestMetric} {result.Training.BestValue:F4})");
        MetricsTables.WriteReport(result.Test!, Path.Combine(result.RunDir, "test"));
        string html = LLM4EHR.Interactive.RunReportHtml.Write(result.RunDir);
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {Path.Combine(result.RunDir, "test", "metrics.json")}, model card {html}");
        return 0;
    }
}
