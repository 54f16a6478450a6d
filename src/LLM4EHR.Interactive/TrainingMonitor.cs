using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using LLM4EHR.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Interactive;

/// <summary>
/// Live view of an <see cref="ExperimentRunner"/> run for a notebook: pass it as both progress hooks, display it
/// once, and update that display on <see cref="Changed"/> (<c>var d = display(monitor); monitor.Changed += () =&gt; d.Update(monitor);</c>).
/// Reports arrive synchronously on the training thread; <see cref="Changed"/> fires on every stage and evaluation
/// but at most every <see cref="MinInterval"/> for steps, so a notebook front end is not flooded.
/// </summary>
public sealed class TrainingMonitor : IProgress<ExperimentStage>, IProgress<TrainingProgress>
{
    private readonly Stopwatch _sinceChange = Stopwatch.StartNew();
    private readonly List<TrainingProgress> _evaluations = [];
    private readonly List<ExperimentStage> _stages = [];

    /// <summary>Least time between two step-driven <see cref="Changed"/> events.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Raised when the view has something new to show.</summary>
    public event Action? Changed;

    public IReadOnlyList<ExperimentStage> Stages => _stages;
    public IReadOnlyList<TrainingProgress> Evaluations => _evaluations;
    public TrainingProgress? LastStep { get; private set; }
    /// <summary>Set by <see cref="Finish"/>; the view then shows the outcome.</summary>
    public ExperimentResult? Result { get; private set; }

    public void Report(ExperimentStage value)
    {
        _stages.Add(value);
        Raise();
    }

    public void Report(TrainingProgress value)
    {
        if (value.Phase == TrainingPhase.Eval)
        {
            _evaluations.Add(value);
            Raise();
            return;
        }
        LastStep = value;
        if (_sinceChange.Elapsed >= MinInterval || value.Step == value.TotalSteps)
            Raise();
    }

    /// <summary>Records the run's outcome and raises <see cref="Changed"/> (the final state of the display).</summary>
    public void Finish(ExperimentResult result)
    {
        Result = result;
        Raise();
    }

    /// <summary>One line: stage, epoch/step, loss, ETA (or the outcome once finished).</summary>
    public override string ToString()
    {
        if (Result is { } r)
            return r.Training.Interrupted
                ? $"interrupted at step {r.Training.Steps}; resume with the same run folder"
                : $"done: {r.Training.Steps} steps, best epoch {r.Training.BestEpoch} ({Invariant(r.Training.BestValue)})" +
                  (r.Test is { } t ? $"; test {string.Join(", ", t.Metrics.Select(m => $"{m.Key} {Invariant(m.Value)}"))}" : "");
        if (LastStep is { } s)
            return $"epoch {s.Epoch}/{s.Epochs}, step {s.Step}/{s.TotalSteps}, loss {s.Loss:F4}, {s.TokensPerSecond:F0} tok/s, " +
                   $"elapsed {s.Elapsed:hh\\:mm\\:ss}" + (s.Eta is { } eta ? $", ETA {eta:hh\\:mm\\:ss}" : "");
        return _stages.Count > 0 ? $"{_stages[^1].Name}: {_stages[^1].Detail}" : "waiting";
    }

    /// <summary>HTML: a progress bar with the status line, the stage log, and a row per validation pass.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<div class=\"llm4ehr-training\">");
        long step = LastStep?.Step ?? 0, total = Math.Max(LastStep?.TotalSteps ?? 1, 1);
        html.Append(CultureInfo.InvariantCulture, $"<progress value=\"{step}\" max=\"{total}\" style=\"width:100%\"></progress>");
        html.Append("<p><b>").Append(Encode(ToString())).Append("</b></p>");
        if (_stages.Count > 0)
        {
            html.Append("<details><summary>stages</summary><pre>");
            foreach (var stage in _stages)
                html.Append(Encode($"{stage.Name}: {stage.Detail}")).Append('\n');
            html.Append("</pre></details>");
        }
        if (_evaluations.Count > 0)
        {
            var keys = _evaluations.SelectMany(e => e.ValMetrics?.Keys ?? []).Distinct().ToList();
            html.Append("<table><thead><tr><th>epoch</th><th>train loss</th>");
            foreach (var key in keys)
                html.Append("<th>val ").Append(Encode(key)).Append("</th>");
            html.Append("</tr></thead><tbody>");
            foreach (var e in _evaluations)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Epoch}</td><td>{e.Loss:F4}</td>");
                foreach (var key in keys)
                    html.Append("<td>").Append(e.ValMetrics is { } m && m.TryGetValue(key, out var v) ? Invariant(v) : "").Append("</td>");
                html.Append("</tr>");
            }
            html.Append("</tbody></table>");
        }
        return html.Append("</div>").ToString();
    }

    private void Raise()
    {
        _sinceChange.Restart();
        Changed?.Invoke();
    }

    private static string Invariant(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
