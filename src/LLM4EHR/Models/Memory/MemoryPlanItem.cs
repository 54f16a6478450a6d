namespace LLM4EHR.Models.Memory;

/// <summary>One line of a <see cref="MemoryPlan"/>: a named amount and how it was counted.</summary>
public sealed record MemoryPlanItem(string Name, long Bytes, string Note);
