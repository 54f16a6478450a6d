namespace LLM4EHR.Experiments;

/// <summary>A step of an experiment run, reported as it starts (front ends print it; the library never does).</summary>
public readonly record struct ExperimentStage(string Name, string Detail);
