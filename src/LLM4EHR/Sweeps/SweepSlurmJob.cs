namespace LLM4EHR.Sweeps;

/// <summary>The Slurm job array a sweep was submitted as (null job id after <c>--dry-run</c>: script written, not submitted).</summary>
public sealed record SweepSlurmJob(string? JobId, string Script, DateTimeOffset Written);
