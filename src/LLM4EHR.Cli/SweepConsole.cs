using System.Globalization;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Sweeps;
using LLM4EHR.Training;
using Spectre.Console;

namespace LLM4EHR.Cli;

/// <summary>
/// Plain lines for a sweep (it runs long and is often logged to a file): one per run event, the experiment stages, and
/// one per evaluated epoch. The library reports; this class only prints.
/// </summary>
internal static class SweepConsole
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IProgress<SweepEvent> Events { get; } = new InlineProgress<SweepEvent>(e =>
    {
        string colour = e.Kind switch
        {
            SweepEventKind.Done => "green",
            SweepEventKind.Failed => "red",
            SweepEventKind.Interrupted => "yellow",
            _ => "blue",
        };
        AnsiConsole.MarkupLineInterpolated(
            $"[{colour}]{e.Kind.ToString().ToLowerInvariant(),-11}[/] [[{e.Index + 1}/{e.Count}]] {e.Name}{(e.Detail is null ? "" : "  " + e.Detail)}");
    });

    public static IProgress<ExperimentStage> Stages { get; } = new InlineProgress<ExperimentStage>(s =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{s.Name,-11} {s.Detail}[/]"));

    public static IProgress<TrainingProgress> Epochs { get; } = new InlineProgress<TrainingProgress>(p =>
    {
        if (p.Phase != TrainingPhase.Eval || p.ValMetrics is null)
            return;
        string metrics = string.Join(' ', p.ValMetrics.Where(kv => kv.Key is "loss" or "auroc" or "auprc" or "auroc_macro")
            .Select(kv => $"{kv.Key} {kv.Value.ToString("F4", Inv)}"));
        AnsiConsole.MarkupLineInterpolated($"[grey]{"epoch",-11} {p.Epoch}/{p.Epochs} val {metrics}[/]");
    });

    /// <summary>An executor of <paramref name="sweepDir"/> that reports here.</summary>
    public static SweepExecutor Executor(string sweepDir) =>
        new(sweepDir) { Events = Events, Stages = Stages, TrainingProgress = Epochs };

    /// <summary>The runs of a manifest: index, name, status, attempts, wall time, error.</summary>
    public static Table Runs(SweepManifest manifest)
    {
        var table = new Table()
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn("run")
            .AddColumn("status")
            .AddColumn(new TableColumn("attempts").RightAligned())
            .AddColumn(new TableColumn("wall s").RightAligned())
            .AddColumn("error");
        foreach (var r in manifest.Runs)
            table.AddRow(r.Index.ToString(Inv), Markup.Escape(r.Name), Markup.Escape(r.Status.ToString().ToLowerInvariant()),
                r.Attempts.ToString(Inv), r.WallSeconds > 0 ? r.WallSeconds.ToString("F1", Inv) : "",
                Markup.Escape(r.Error ?? ""));
        return table;
    }

    /// <summary>"4 runs: 3 done, 1 failed" (statuses with a zero count left out).</summary>
    public static string Summary(SweepManifest manifest) =>
        $"{manifest.Runs.Count} runs: " + string.Join(", ", manifest.Counts().Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Status.ToString().ToLowerInvariant()}"));
}
