namespace LLM4EHR.Benchmarks;

/// <summary>What <c>llm4ehr bench demo</c> runs: an experiment config (the IHM demo by default) and overrides.</summary>
public sealed record DemoBenchOptions
{
    public string ConfigPath { get; init; } = "config/demo-ihm.yaml";
    /// <summary><c>key.path=value</c> overrides, as <c>llm4ehr train --set</c>.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    public int BootstrapResamples { get; init; } = 1000;
    /// <summary>Size of the f32 matmul yardstick (2048 per BENCHMARKS.md; smaller only for smoke tests).</summary>
    public int MatmulSize { get; init; } = 2048;
}
