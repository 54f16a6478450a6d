namespace LLM4EHR.Sweeps.Slurm;

/// <summary>
/// The <c>#SBATCH</c> settings of a sweep's job array. Null leaves a setting to the cluster's defaults.
/// <see cref="MaxParallel"/> caps the array tasks running at once (<c>--array=0-(N-1)%K</c>).
/// </summary>
public sealed record SlurmOptions
{
    public string? Partition { get; init; }
    /// <summary>Generic resources per task, e.g. <c>gpu:1</c>.</summary>
    public string? Gres { get; init; }
    /// <summary>Time limit per task, e.g. <c>04:00:00</c>.</summary>
    public string? Time { get; init; }
    /// <summary>Memory per task, e.g. <c>32G</c>.</summary>
    public string? Mem { get; init; }
    public int? CpusPerTask { get; init; }
    public int? MaxParallel { get; init; }
    public string? JobName { get; init; }

    /// <summary>Throws a <see cref="BadInputException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (CpusPerTask is < 1)
            throw new BadInputException($"--cpus-per-task: {CpusPerTask} (expected 1 or more)");
        if (MaxParallel is < 1)
            throw new BadInputException($"--max-parallel: {MaxParallel} (expected 1 or more)");
        foreach (var (name, value) in new[] { ("--partition", Partition), ("--gres", Gres), ("--time", Time), ("--mem", Mem), ("--job-name", JobName) })
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '#' or '$' or '`' or '\\')))
                throw new BadInputException($"{name}: '{value}' is not a plain Slurm value (no spaces, quotes, '#', '$', '`' or '\\')");
    }
}
