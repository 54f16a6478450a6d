namespace LLM4EHR.Training;

/// <summary>
/// One <c>"type": "step"</c> line of log.jsonl: an optimizer step (steps count over the whole run).
/// <see cref="Seconds"/> is the step's wall time (NaN in logs written before it was recorded).
/// </summary>
public sealed record TrainingStepRecord(long Step, int Epoch, double Loss, double LearningRate, double TokensPerSecond, double GradNorm)
{
    public double Seconds { get; init; } = double.NaN;
}
