using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Experiments;
using Spectre.Console;

namespace LLM4EHR.Cli.Commands;

/// <summary>Prints what <c>train --check</c> found: per-split stays and tokens, steps, and model-state memory.</summary>
internal static class PlanTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(ExperimentPlan plan, ExperimentConfig config)
    {
        var splits = new Table().Title("data (after note selection and tokenization)")
            .AddColumn("split").AddColumn(new TableColumn("stays").RightAligned()).AddColumn(new TableColumn("tokens").RightAligned())
            .AddColumn(new TableColumn("longest").RightAligned()).AddColumn(new TableColumn("truncated").RightAligned())
            .AddColumn(new TableColumn("no notes").RightAligned());
        foreach (var (name, s) in plan.Splits)
            splits.AddRow(name, N(s.KeptStays), N(s.Tokens), N(s.MaxSequenceLength),
                $"{N(s.TruncatedStays)} ({(s.KeptStays == 0 ? 0 : 100.0 * s.TruncatedStays / s.KeptStays).ToString("F1", Inv)}%)",
                N(s.StaysWithoutNotes));
        AnsiConsole.Write(splits);
        var t = config.Training;
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]training[/] {t.Epochs} epochs × batch {t.BatchSize} × grad_accum {t.GradAccum} = {N(plan.OptimizerSteps)} optimizer steps, {N(plan.TrainTokensPerEpoch)} train tokens per epoch, on {plan.Device}");
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]memory[/] base weights {Mb(plan.BaseWeightBytes)} MB{(config.Quantization.Nf4 ? " (NF4)" : "")}, {N(plan.TrainableParameters)} trainable parameters ({Mb(plan.TrainableStateBytes)} MB with gradients and AdamW moments); activations come on top (llm4ehr plan)");
        AnsiConsole.MarkupLineInterpolated($"[green]check passed[/]: nothing was trained; the run would write {plan.RunDir}");
    }

    private static string N(long x) => x.ToString("N0", Inv);
    private static string Mb(long bytes) => (bytes / 1e6).ToString("F1", Inv);
}
