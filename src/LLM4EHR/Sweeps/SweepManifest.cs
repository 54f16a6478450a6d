namespace LLM4EHR.Sweeps;

/// <summary>
/// <c>SWEEP_DIR/sweep.json</c>: what the sweep runs (the base config by absolute path and SHA-256, the <c>--set</c>
/// overrides every run shares, the grid, the working directory relative config paths resolve against) and where each run
/// stands. Written atomically under a lock (<see cref="SweepStore"/>), so parallel workers and Slurm tasks can update it.
/// </summary>
public sealed record SweepManifest
{
    public const string CurrentFormat = "llm4ehr-sweep-1";

    public string Format { get; init; } = CurrentFormat;
    public required string BaseConfig { get; init; }
    public required string BaseConfigSha256 { get; init; }
    public required IReadOnlyList<string> BaseOverrides { get; init; }
    public required IReadOnlyList<SweepAxis> Grid { get; init; }
    public required string WorkingDirectory { get; init; }
    public required DateTimeOffset Created { get; init; }
    public SweepSlurmJob? Slurm { get; init; }
    public required IReadOnlyList<SweepRun> Runs { get; init; }

    /// <summary>A copy with run <paramref name="index"/> replaced by <paramref name="change"/>'s result.</summary>
    public SweepManifest WithRun(int index, Func<SweepRun, SweepRun> change) =>
        this with { Runs = Runs.Select(r => r.Index == index ? change(r) : r).ToList() };

    /// <summary>Runs per status, every status listed (zero counts too), in enum order.</summary>
    public IReadOnlyList<(SweepRunStatus Status, int Count)> Counts() =>
        Enum.GetValues<SweepRunStatus>().Select(s => (s, Runs.Count(r => r.Status == s))).ToList();
}

/// <summary>The Slurm job array a sweep was submitted as (null job id after <c>--dry-run</c>: script written, not submitted).</summary>
public sealed record SweepSlurmJob(string? JobId, string Script, DateTimeOffset Written);
