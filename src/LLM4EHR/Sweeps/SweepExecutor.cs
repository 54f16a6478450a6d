using System.Diagnostics;
using LLM4EHR.Evaluation;
using LLM4EHR.Experiments;
using LLM4EHR.Training;

namespace LLM4EHR.Sweeps;

/// <summary>
/// Runs a sweep's runs, one at a time in this process. Each run trains with <see cref="ExperimentRunner"/> into its
/// folder: resumed from its checkpoint when it has one (train --resume semantics), started afresh otherwise (leftovers of
/// a run killed before its first checkpoint are cleared; the folder belongs to the sweep). A failure is recorded as the
/// run's one-line error and the sweep goes on; cancellation stops after the current run has saved its checkpoint.
/// Several processes (workers, Slurm tasks) may run one sweep at once: runs are claimed under the manifest's lock.
/// </summary>
public sealed class SweepExecutor(string sweepDir)
{
    public string SweepDir { get; } = Path.GetFullPath(sweepDir);

    public IProgress<SweepEvent>? Events { get; init; }
    public IProgress<ExperimentStage>? Stages { get; init; }
    public IProgress<TrainingProgress>? TrainingProgress { get; init; }
    /// <summary>Bootstrap resamples of each run's test evaluation (the CLI's 1000, like <c>train</c>).</summary>
    public int BootstrapResamples { get; init; } = 1000;
    public string TokenCacheDirectory { get; init; } = ExperimentRunner.DefaultTokenCacheDirectory;

    /// <summary>
    /// Readies a sweep for another pass: failed runs go back to pending (retried once per pass), and runs left "running"
    /// by a process of this host that is gone become interrupted (resumable). Call once before starting workers.
    /// </summary>
    public SweepManifest Reset()
    {
        var manifest = SweepStore.Read(SweepDir);
        SweepConfigs.RequireUnchanged(manifest);
        return SweepStore.Update(SweepDir, m => m with
        {
            Runs = m.Runs.Select(r => r.Status switch
            {
                SweepRunStatus.Failed => r with { Status = SweepRunStatus.Pending },
                SweepRunStatus.Running when SweepOwner.IsStale(r.Owner) => r with { Status = SweepRunStatus.Interrupted },
                _ => r,
            }).ToList(),
        });
    }

    /// <summary>Claims and runs pending or interrupted runs until none is left or cancellation is requested.</summary>
    public SweepOutcome RunAvailable(CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            SweepRun? claimed = null;
            SweepStore.Update(SweepDir, m =>
            {
                claimed = m.Runs.FirstOrDefault(r => r.Status is SweepRunStatus.Pending or SweepRunStatus.Interrupted);
                return claimed is null ? m : m.WithRun(claimed.Index, Claim);
            });
            if (claimed is null)
                break;
            if (Execute(claimed, cancellationToken) == SweepRunStatus.Interrupted)
                return new SweepOutcome(SweepStore.Read(SweepDir), Interrupted: true);
        }
        return new SweepOutcome(SweepStore.Read(SweepDir), cancellationToken.IsCancellationRequested);
    }

    /// <summary>
    /// Runs one run by index whatever its status, unless it is done (a Slurm array task, also when requeued: it resumes
    /// from the checkpoint its previous attempt saved).
    /// </summary>
    public SweepOutcome RunOne(int index, CancellationToken cancellationToken = default)
    {
        var manifest = SweepStore.Read(SweepDir);
        if (index < 0 || index >= manifest.Runs.Count)
            throw new BadInputException($"{SweepDir}: --index {index}: the sweep has runs 0..{manifest.Runs.Count - 1}");
        SweepConfigs.RequireUnchanged(manifest);
        var run = manifest.Runs[index];
        if (run.Status == SweepRunStatus.Done)
        {
            Events?.Report(new SweepEvent(SweepEventKind.Skipped, index, manifest.Runs.Count, run.Name, "done already"));
            return new SweepOutcome(manifest, Interrupted: false);
        }
        SweepStore.Update(SweepDir, m => m.WithRun(index, Claim));
        var status = Execute(run, cancellationToken);
        return new SweepOutcome(SweepStore.Read(SweepDir), status == SweepRunStatus.Interrupted);
    }

    private static SweepRun Claim(SweepRun r) => r with
    {
        Status = SweepRunStatus.Running,
        Owner = SweepOwner.Current,
        Started = r.Started ?? DateTimeOffset.UtcNow,
        Attempts = r.Attempts + 1,
        Error = null,
    };

    private SweepRunStatus Execute(SweepRun run, CancellationToken cancellationToken)
    {
        var manifest = SweepStore.Read(SweepDir);
        int count = manifest.Runs.Count;
        var clock = Stopwatch.StartNew();
        SweepRunStatus status;
        string? detail = null;
        try
        {
            var config = SweepConfigs.Resolve(SweepDir, manifest, run);
            string runDir = config.Output.RunDir;
            bool resume = File.Exists(RunLayout.ResumeState(runDir));
            if (!resume && Directory.Exists(runDir))
                RunLayout.Clear(runDir);
            Events?.Report(new SweepEvent(resume ? SweepEventKind.Resumed : SweepEventKind.Started, run.Index, count, run.Name,
                string.Join(' ', run.Overrides)));
            var result = new ExperimentRunner(config)
            {
                Stages = Stages,
                TrainingProgress = TrainingProgress,
                BootstrapResamples = BootstrapResamples,
                TokenCacheDirectory = TokenCacheDirectory,
            }.Train(runDir, resume, cancellationToken);
            status = result.Training.Interrupted ? SweepRunStatus.Interrupted : SweepRunStatus.Done;
            if (result.Test is { } test)
                detail = Headline(test);
        }
        catch (OperationCanceledException)
        {
            status = SweepRunStatus.Interrupted;
        }
        catch (Exception e)
        {
            status = SweepRunStatus.Failed;
            detail = OneLine(e);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        SweepStore.Update(SweepDir, m => m.WithRun(run.Index, r => r with
        {
            Status = status,
            Error = status == SweepRunStatus.Failed ? detail : null,
            Ended = DateTimeOffset.UtcNow,
            WallSeconds = r.WallSeconds + seconds,
        }));
        var kind = status switch
        {
            SweepRunStatus.Done => SweepEventKind.Done,
            SweepRunStatus.Interrupted => SweepEventKind.Interrupted,
            _ => SweepEventKind.Failed,
        };
        Events?.Report(new SweepEvent(kind, run.Index, count, run.Name, detail));
        return status;
    }

    private static string Headline(EvaluationReport test) =>
        string.Join(' ', test.Metrics.Take(2).Select(m => $"{m.Key} {m.Value:F4}"));

    // The innermost message on one line (wrappers such as AggregateException say little).
    private static string OneLine(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner)
            e = inner;
        string message = string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return e is BadInputException ? message : $"{e.GetType().Name}: {message}";
    }
}

/// <summary>What happened to a sweep run (reported through IProgress; front ends print it).</summary>
public enum SweepEventKind
{
    Started,
    Resumed,
    Skipped,
    Done,
    Failed,
    Interrupted,
}

/// <summary>One sweep run event: <see cref="Detail"/> holds the error of a failed run, the test metric of a finished one.</summary>
public sealed record SweepEvent(SweepEventKind Kind, int Index, int Count, string Name, string? Detail = null);

/// <summary>
/// How a call into <see cref="SweepExecutor"/> ended: the manifest as it stands afterwards and whether it stopped on
/// cancellation (the current run saved its checkpoint and is marked interrupted).
/// </summary>
public sealed record SweepOutcome(SweepManifest Manifest, bool Interrupted)
{
    public bool AnyFailed => Manifest.Runs.Any(r => r.Status == SweepRunStatus.Failed);
    public bool AllDone => Manifest.Runs.All(r => r.Status == SweepRunStatus.Done);
}
