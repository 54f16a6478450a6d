namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench scale</c>: a model folder loaded as the QLoRA configs load it (NF4 + double quantization, LoRA r 8 /
/// alpha 32 on q_proj and v_proj, gradient checkpointing), then one training step and one eval forward on one
/// sequence of <see cref="SequenceLength"/> random, all-real tokens.
/// </summary>
public sealed record ScaleBenchOptions
{
    public required string ModelFolder { get; init; }
    public int SequenceLength { get; init; } = 256;
    public int LoraRank { get; init; } = 8;
    public double LoraAlpha { get; init; } = 32;
    public IReadOnlyList<string> LoraTargets { get; init; } = ["q_proj", "v_proj"];
    public long Seed { get; init; } = 1;
}
