namespace LLM4EHR.Tests.Models;

/// <summary>
/// Tests that seed and replay torch's global CPU generator: other tests drawing random numbers on parallel
/// threads would shift its stream between seeding and use, so these run with nothing else in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "Global torch RNG";
}
