namespace LLM4EHR.Sweeps;

/// <summary>
/// One grid point of a sweep as the manifest records it. <see cref="Started"/> is the first start, <see cref="Ended"/> the
/// last end, <see cref="WallSeconds"/> the time of all attempts together (a resumed run adds its attempts).
/// <see cref="Owner"/>: who runs it now or ran it last (<c>host:pid</c>, with the Slurm job and task when under Slurm).
/// <see cref="Error"/>: the one-line reason of the last failure.
/// </summary>
public sealed record SweepRun
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<string> Overrides { get; init; }
    public SweepRunStatus Status { get; init; } = SweepRunStatus.Pending;
    public string? Error { get; init; }
    public DateTimeOffset? Started { get; init; }
    public DateTimeOffset? Ended { get; init; }
    public double WallSeconds { get; init; }
    public int Attempts { get; init; }
    public string? Owner { get; init; }
}

/// <summary>
/// Where a sweep run stands. Pending and Interrupted runs are picked up by the next <c>sweep</c> (Interrupted ones resume
/// from their checkpoint); Failed runs are retried by the next <c>sweep</c> invocation; Done runs are never run again.
/// </summary>
public enum SweepRunStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Interrupted,
}
