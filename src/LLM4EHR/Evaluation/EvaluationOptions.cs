namespace LLM4EHR.Evaluation;

/// <summary>How predictions are scored. Defaults follow mimic3-benchmarks (1000 resamples, 2.5/97.5 percentiles).</summary>
public sealed record EvaluationOptions
{
    /// <summary>A probability <c>&gt;=</c> this counts as a positive prediction (F1, accuracy).</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>Bootstrap resamples for confidence intervals; 0 skips them.</summary>
    public int BootstrapResamples { get; init; } = 1000;
    /// <summary>
    /// One documented seed (<see cref="DefaultBootstrapSeed"/>) for every scorer: a run's own metrics.json, <c>test</c>
    /// and <c>evaluate</c> on the same predictions give the same intervals unless a caller asks for another seed.
    /// </summary>
    public int BootstrapSeed { get; init; } = DefaultBootstrapSeed;
    public const int DefaultBootstrapSeed = 0;
    public double LowerPercentile { get; init; } = 2.5;
    public double UpperPercentile { get; init; } = 97.5;
    /// <summary>Equal-width probability bins for ECE and the reliability curve.</summary>
    public int CalibrationBins { get; init; } = 15;
    /// <summary>The predictions are of a generated (synthetic) cohort: recorded in the report, so its numbers are never taken for MIMIC's.</summary>
    public bool SyntheticData { get; init; }
    /// <summary>Threads for the bootstrap; -1 = all cores. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    internal void Validate()
    {
        if (!(Threshold >= 0 && Threshold <= 1))
            throw new BadInputException($"threshold: {Threshold} is outside [0,1]");
        if (BootstrapResamples < 0)
            throw new BadInputException($"bootstrap: {BootstrapResamples} resamples (expected 0 or more)");
        if (!(LowerPercentile >= 0 && LowerPercentile < UpperPercentile && UpperPercentile <= 100))
            throw new BadInputException($"percentiles: expected 0 <= lower < upper <= 100, got {LowerPercentile} and {UpperPercentile}");
        if (CalibrationBins < 1)
            throw new BadInputException($"calibration bins: {CalibrationBins} (expected 1 or more)");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new BadInputException($"max degree of parallelism: {MaxDegreeOfParallelism} (expected -1 or a positive count)");
    }
}
