using System.ComponentModel;
using System.Globalization;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary><c>llm4ehr evaluate</c>: scores a predictions CSV, prints the metrics with bootstrap CIs, writes metrics.json.</summary>
[CliCommand("evaluate", "Score a predictions CSV (AUROC, AUPRC, F1, accuracy, bootstrap CIs, calibration); write metrics.json.")]
internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--task <TASK>")]
        [Description("ihm|pheno. Default: from the CSV header (label/prob → ihm, label_0.. → pheno).")]
        public string? Task { get; init; }

        [CommandOption("--predictions <FILE>")]
        [Description("Predictions CSV: ihm name,label,prob; pheno name,label_0..label_24,prob_0..prob_24.")]
        public string Predictions { get; init; } = "";

        [CommandOption("--bootstrap <N>")]
        [Description("Bootstrap resamples for the 95% intervals (0 = none).")]
        [DefaultValue(1000)]
        public int Bootstrap { get; init; } = 1000;

        [CommandOption("--seed <SEED>")]
        [Description("Bootstrap seed (default 0, the seed every run's own metrics.json uses, so the intervals agree).")]
        [DefaultValue(EvaluationOptions.DefaultBootstrapSeed)]
        public int Seed { get; init; } = EvaluationOptions.DefaultBootstrapSeed;

        [CommandOption("--threshold <T>")]
        [Description("A probability >= T counts as positive (F1, accuracy).")]
        [DefaultValue(0.5)]
        public double Threshold { get; init; } = 0.5;

        [CommandOption("--bins <N>")]
        [Description("Equal-width bins for ECE and the reliability curve.")]
        [DefaultValue(15)]
        public int Bins { get; init; } = 15;

        [CommandOption("--out <FILE>")]
        [Description("Where to write metrics.json. Default: metrics.json beside the predictions file.")]
        public string? Out { get; init; }

        [CommandOption("--curves")]
        [Description("Also write ROC and precision-recall curve points into the JSON.")]
        public bool Curves { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Predictions) ? ValidationResult.Error("--predictions FILE is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ClinicalTask? task = settings.Task is null ? null : ClinicalTaskInfo.Parse(settings.Task);
        var predictions = PredictionCsv.Read(settings.Predictions, task);
        var options = new EvaluationOptions
        {
            Threshold = settings.Threshold,
            BootstrapResamples = settings.Bootstrap,
            BootstrapSeed = settings.Seed,
            CalibrationBins = settings.Bins,
        };
        var report = Evaluator.Evaluate(predictions, options, cancellationToken: cancellationToken);
        var output = settings.Out ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Predictions))!, "metrics.json");
        report.WriteJson(output, settings.Curves);

        MetricsTables.WriteReport(report, settings.Predictions);
        AnsiConsole.MarkupLineInterpolated($"[grey]wrote[/] {output}");
        return 0;
    }
}
