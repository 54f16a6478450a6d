namespace LLM4EHR.Tests.Data;

/// <summary>
/// Tests that open or inspect the process's no-GC region: loads on parallel threads would take the region or end
/// it with their allocations, so these run with nothing else in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcRegionCollection
{
    public const string Name = "Process GC region";
}
