using System.ComponentModel;
using LLM4EHR.Benchmarks;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LLM4EHR.Cli.Commands;

/// <summary>
/// <c>llm4ehr bench bootstrap</c>: full evaluation with bootstrap CIs of a synthetic Pheno prediction set
/// (default 5000 stays, 1000 resamples), timed as the median of several runs after a warm-up.
/// </summary>
[CliCommand("bootstrap", "Time 1000 bootstrap resamples of a synthetic 5000-stay Pheno prediction set.", Branch = "bench")]
internal sealed class BenchBootstrapCommand : Command<BenchBootstrapCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stays <N>")]
        [DefaultValue(5000)]
        public int Stays { get; init; } = 5000;

        [CommandOption("--resamples <N>")]
        [DefaultValue(1000)]
        public int Resamples { get; init; } = 1000;

        [CommandOption("--runs <N>")]
        [Description("Timed runs (after one warm-up); the median is reported.")]
        [DefaultValue(3)]
        public int Runs { get; init; } = 3;

        [CommandOption("--seed <SEED>")]
        [DefaultValue(0)]
        public int Seed { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Stays < 2 || settings.Resamples < 1 || settings.Runs < 1)
            throw new BadInputException("bench bootstrap: --stays must be >= 2, --resamples and --runs >= 1");
        var set = SyntheticPredictions.Generate(ClinicalTask.Pheno, settings.Stays, settings.Seed);
        var options = new EvaluationOptions { BootstrapResamples = settings.Resamples, BootstrapSeed = settings.Seed };
        EvaluationReport? report = null;
        var timing = BenchTimer.Measure(() => report = Evaluator.Evaluate(set, options, cancellationToken: cancellationToken),
            warmups: 1, runs: settings.Runs);
        var pointOnly = BenchTimer.Measure(() => Evaluator.Evaluate(set, options with { BootstrapResamples = 0 }),
            warmups: 1, runs: settings.Runs);

        // Yardstick measured in this process: one f32 2048³ matmul.
        double gflops = MatmulReference.MeasureGflops();
        double matmulMs = 2.0 * 2048 * 2048 * 2048 / (gflops * 1e9) * 1000;

        var ci = report!.Intervals[MetricKeys.AurocMacro];
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]{settings.Stays} stays x 25 labels, {settings.Resamples} resamples, {Environment.ProcessorCount} cores: auroc_macro {report[MetricKeys.AurocMacro]:F4} [[{ci.Lower:F4}, {ci.Upper:F4}]][/]");
        var summary = new BenchSummary("bootstrap")
            .Add("resamples", settings.Resamples)
            .Add("stays", settings.Stays)
            .Add("ms", timing.MedianMs, 1)
            .Add("ms_min", timing.MinMs, 1)
            .Add("ms_max", timing.MaxMs, 1)
            .Add("ms_per_resample", (timing.MedianMs - pointOnly.MedianMs) / settings.Resamples, 4)
            .Add("point_ms", pointOnly.MedianMs, 1)
            .Add("matmul_gflops", gflops, 2)
            .Add("ratio", timing.MedianMs / matmulMs, 2);
        Console.WriteLine(summary.ToString());
        return 0;
    }
}
