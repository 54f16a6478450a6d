namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// Experiment tests share one <see cref="ExperimentSandbox"/> (demo assets and the baseline run are made once) and
/// run with nothing in parallel: training seeds and draws from libtorch's process-wide generator (dropout), and
/// the CLI tests redirect the process's stderr.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExperimentCollection : ICollectionFixture<ExperimentSandbox>
{
    public const string Name = "Experiments";
}
