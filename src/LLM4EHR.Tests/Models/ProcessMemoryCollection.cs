using LLM4EHR.Runtime;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// Tests that measure this process's resident memory: allocations of tests on parallel threads would count towards
/// it, so these run with nothing else in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "Process memory";
}
