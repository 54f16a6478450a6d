using LLM4EHR.Runtime;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// Tests that measure this process's resident memory: allocations of tests on parallel threads would count towards
/// it, so these run with nothing else in parallel. Among them the benchmark tests that compare a peak with the RSS at
/// its start: a benchmark's meter resets the process-wide high-water mark, and a reset by another test in between
/// put the mark below the start (ScaleBenchmarkTests failed so in a full run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "Process memory";
}
