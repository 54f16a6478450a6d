namespace LLM4EHR.Training;

/// <summary>
/// One progress report: after every optimizer step (<see cref="Phase"/> Train) and after every evaluation
/// (Eval, with <see cref="ValMetrics"/>). Steps count optimizer steps over the whole run.
/// </summary>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    long Step,
    long TotalSteps,
    double Loss,
    double LearningRate,
    double TokensPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Eta,
    IReadOnlyDictionary<string, double>? ValMetrics = null);

/// <summary>What a <see cref="TrainingProgress"/> report is about.</summary>
public enum TrainingPhase
{
    /// <summary>An optimizer step finished.</summary>
    Train,
    /// <summary>A validation pass finished (metrics attached).</summary>
    Eval,
}
