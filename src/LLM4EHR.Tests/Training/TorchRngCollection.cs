namespace LLM4EHR.Tests.Training;

/// <summary>
/// Tests that seed and consume libtorch's process-wide generator (manual_seed, dropout, rand) and compare results
/// bit for bit. They run alone: a test in a parallel class drawing from the same generator would shift the
/// stream and make them flaky. Other areas' RNG-exact tests can join with <c>[Collection(TorchRngCollection.Name)]</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRngCollection
{
    public const string Name = "Torch global RNG";
}
