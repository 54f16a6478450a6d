namespace LLM4EHR.Sweeps;

/// <summary>
/// How a call into <see cref="SweepExecutor"/> ended: the manifest as it stands afterwards and whether it stopped on
/// cancellation (the current run saved its checkpoint and is marked interrupted).
/// </summary>
public sealed record SweepOutcome(SweepManifest Manifest, bool Interrupted)
{
    public bool AnyFailed => Manifest.Runs.Any(r => r.Status == SweepRunStatus.Failed);
    public bool AllDone => Manifest.Runs.All(r => r.Status == SweepRunStatus.Done);
}
