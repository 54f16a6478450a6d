namespace LLM4EHR.Training;

/// <summary>What a <see cref="TrainingProgress"/> report is about.</summary>
public enum TrainingPhase
{
    /// <summary>An optimizer step finished.</summary>
    Train,
    /// <summary>A validation pass finished (metrics attached).</summary>
    Eval,
}
