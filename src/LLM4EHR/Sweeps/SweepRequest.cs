namespace LLM4EHR.Sweeps;

/// <summary>What <c>llm4ehr sweep</c> was asked for: a base config, overrides shared by every run, and the grid.</summary>
public sealed record SweepRequest(string SweepDir, string BaseConfig, IReadOnlyList<string> BaseOverrides, IReadOnlyList<SweepAxis> Grid);
