namespace LLM4EHR.Benchmarks;

/// <summary>The bench model and step of <c>llm4ehr bench train-step</c> (defaults: Benchmarks/README.md).</summary>
public sealed record TrainStepOptions
{
    public int Hidden { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 8;
    public int KvHeads { get; init; } = 2;
    public int Intermediate { get; init; } = 704;
    public int Vocab { get; init; } = 32000;
    public int SequenceLength { get; init; } = 512;
    public int BatchSize { get; init; } = 2;
    public int Threads { get; init; } = 2;
    public int Warmups { get; init; } = 2;
    public int Runs { get; init; } = 8;
    public bool GradientCheckpointing { get; init; }
    /// <summary>Compute dtype of the frozen base (Float32 or BFloat16); adapters, head, loss and optimizer stay f32.</summary>
    public TorchSharp.torch.ScalarType Dtype { get; init; } = TorchSharp.torch.ScalarType.Float32;
    public long Seed { get; init; } = 1;
    /// <summary>Size of the matmul yardstick, at <see cref="Dtype"/> (2048 per BENCHMARKS.md; smaller only for smoke tests).</summary>
    public int MatmulSize { get; init; } = 2048;
}
