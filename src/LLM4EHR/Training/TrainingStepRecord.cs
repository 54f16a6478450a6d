namespace LLM4EHR.Training;

/// <summary>One <c>"type": "step"</c> line of log.jsonl: an optimizer step (steps count over the whole run).</summary>
public sealed record TrainingStepRecord(long Step, int Epoch, double Loss, double LearningRate, double TokensPerSecond, double GradNorm);
