namespace LLM4EHR.Training;

/// <summary>
/// Where a run stands, saved in the resume checkpoint (as JSON metadata). <see cref="Epoch"/> and
/// <see cref="NextGroup"/> (0-based) name the next accumulation group of optimizer steps to run; a group index
/// equal to the epoch's group count means "epoch trained, evaluation pending". <see cref="LogBytes"/> is the
/// length of log.jsonl when the checkpoint was taken: resume cuts the log back to it so no step is logged twice.
/// </summary>
public sealed record ResumePosition
{
    public int Epoch { get; init; }
    public int NextGroup { get; init; }
    public long OptimizerStep { get; init; }
    public long TotalSteps { get; init; }
    public int TrainCount { get; init; }
    public double EpochLossSum { get; init; }
    public int EpochLossCount { get; init; }
    public int BestEpoch { get; init; }
    public double BestValue { get; init; } = double.NaN;
    public Dictionary<string, double>? BestMetrics { get; init; }
    public int EvaluationsWithoutImprovement { get; init; }
    public bool Finished { get; init; }
    public bool StoppedEarly { get; init; }
    public long LogBytes { get; init; }
    /// <summary>AdamW's per-parameter step counts (bias correction), by trainable parameter name.</summary>
    public Dictionary<string, long> AdamSteps { get; init; } = [];
}
