namespace LLM4EHR.Benchmarks;

/// <summary>
/// Storage bits per weight with double quantization (the timed stack) and without (one layer of the same shape),
/// and f32 vs NF4 forward times (<see cref="Nf4Bench.Forward"/>).
/// </summary>
public sealed record Nf4ForwardResult(double BitsPerParam, double BitsPerParamNoDoubleQuant, TimingStats F32, TimingStats Nf4);
