using LLM4EHR.Text;

namespace LLM4EHR.Experiments;

/// <summary>
/// What <c>train --check</c> found: every check passed, and the run would see these stays and tokens, take these
/// optimizer steps, and hold about this much model state (weights + trainable parameters with their AdamW moments).
/// </summary>
public sealed record ExperimentPlan(
    string RunDir,
    string Device,
    IReadOnlyDictionary<string, TokenizationSummary> Splits,
    long OptimizerSteps,
    long TrainTokensPerEpoch,
    long BaseWeightBytes,
    long TrainableParameters,
    long TrainableStateBytes)
{
    /// <summary>Stays per split after tokenization (kept stays).</summary>
    public int Stays(string split) => Splits[split].KeptStays;
}
