namespace LLM4EHR.Tests.Models;

/// <summary>
/// Tests that judge this process's resident memory: allocations by tests on parallel threads would show up in it,
/// so these run with nothing else in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "Process memory";
}
