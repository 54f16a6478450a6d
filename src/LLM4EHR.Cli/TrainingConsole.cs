using System.Globalization;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;
using LLM4EHR.Training;
using Spectre.Console;

namespace LLM4EHR.Cli;

/// <summary>
/// Shows a training run: Spectre progress bars (epoch, step, loss, tokens/s, ETA) on a terminal, plain lines
/// when output is redirected (CI logs, notebooks). The library reports; this class only renders.
/// </summary>
internal sealed class TrainingConsole
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
    private ProgressTask? _epochTask, _stepTask;
    private int _lastPlainEpoch = -1;
    private long _lastPlainStep;

    public IProgress<ExperimentStage> Stages { get; } = new InlineProgress<ExperimentStage>(s =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{s.Name,-9}[/] {s.Detail}"));

    /// <summary>Runs <paramref name="work"/> with a live display; progress callbacks arrive on the work's thread.</summary>
    public T Run<T>(Func<IProgress<TrainingProgress>, T> work)
    {
        if (!_interactive)
            return work(new InlineProgress<TrainingProgress>(Plain));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _epochTask = ctx.AddTask("epoch", autoStart: true);
                _stepTask = ctx.AddTask("step", autoStart: true);
                result = work(new InlineProgress<TrainingProgress>(Live));
            });
        return result;
    }

    private void Live(TrainingProgress p)
    {
        _epochTask!.MaxValue = p.Epochs;
        _epochTask.Value = p.Phase == TrainingPhase.Eval ? p.Epoch : p.Epoch - 1;
        _epochTask.Description = $"epoch {p.Epoch}/{p.Epochs}";
        _stepTask!.MaxValue = Math.Max(1, p.TotalSteps);
        _stepTask.Value = p.Step;
        _stepTask.Description = p.Phase == TrainingPhase.Eval
            ? $"val {Metrics(p.ValMetrics)}"
            : $"step {p.Step}/{p.TotalSteps} loss {p.Loss.ToString("F4", Inv)} lr {p.LearningRate.ToString("0.##e0", Inv)} {p.TokensPerSecond.ToString("F0", Inv)} tok/s";
    }

    private void Plain(TrainingProgress p)
    {
        if (p.Phase == TrainingPhase.Eval)
        {
            Console.WriteLine($"epoch {p.Epoch}/{p.Epochs} val {Metrics(p.ValMetrics)} elapsed {p.Elapsed:hh\\:mm\\:ss}");
            return;
        }
        // A line per epoch start and then every ~10% of the run keeps logs readable.
        long every = Math.Max(1, p.TotalSteps / 10);
        if (p.Epoch != _lastPlainEpoch || p.Step - _lastPlainStep >= every || p.Step == p.TotalSteps)
        {
            _lastPlainEpoch = p.Epoch;
            _lastPlainStep = p.Step;
            Console.WriteLine($"epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.TotalSteps} loss {p.Loss.ToString("F4", Inv)} " +
                $"lr {p.LearningRate.ToString("0.###e0", Inv)} {p.TokensPerSecond.ToString("F0", Inv)} tok/s eta {p.Eta?.ToString("hh\\:mm\\:ss") ?? "?"}");
        }
    }

    private static string Metrics(IReadOnlyDictionary<string, double>? metrics) =>
        metrics is null ? "" : string.Join(' ', metrics.Where(kv => kv.Key is "loss" or "auroc" or "auprc" or "auroc_macro" or "auprc_macro")
            .Select(kv => $"{kv.Key} {kv.Value.ToString("F4", Inv)}"));
}
