using LLM4EHR.IO;

namespace LLM4EHR.Sweeps.Slurm;

/// <summary>Writes a sweep's job-array script, submits it (unless a dry run) and records the job in the manifest.</summary>
public static class SweepSubmission
{
    /// <param name="command">How compute nodes start llm4ehr (see <see cref="SlurmScript.Render"/>).</param>
    public static SweepManifest Submit(string sweepDir, SlurmOptions options, IReadOnlyList<string> command, bool dryRun)
    {
        sweepDir = Path.GetFullPath(sweepDir);
        var manifest = SweepStore.Read(sweepDir);
        SweepConfigs.RequireUnchanged(manifest);
        RequireNotQueued(manifest);
        string script = SweepLayout.SlurmScript(sweepDir);
        AtomicFile.WriteAllText(script, SlurmScript.Render(sweepDir, manifest, options, command));
        // Slurm opens the task logs before the script runs: the folder must exist.
        Directory.CreateDirectory(SweepLayout.Logs(sweepDir));
        string? jobId = dryRun ? null : SlurmCommands.Submit(script);
        return SweepStore.Update(sweepDir, m => m with { Slurm = new SweepSlurmJob(jobId, script, DateTimeOffset.UtcNow) });
    }

    /// <summary>
    /// Refuses to start runs (locally or in a new job) while the sweep's Slurm job still has tasks in the queue: both would
    /// train the same runs. Without squeue (no Slurm here) nothing can be queued on this machine's behalf.
    /// </summary>
    public static void RequireNotQueued(SweepManifest manifest)
    {
        if (manifest.Slurm?.JobId is not { } job)
            return;
        var (tasks, _) = SlurmCommands.Queue(job);
        if (tasks is { Count: > 0 })
            throw new BadInputException($"the sweep's Slurm job {job} still has {tasks.Count} task line(s) in the queue " +
                                        $"({string.Join(", ", tasks.Take(3).Select(t => $"{t.Task} {t.State}"))}); " +
                                        $"follow it with 'llm4ehr sweep status' or cancel it with 'scancel {job}' first");
    }
}
