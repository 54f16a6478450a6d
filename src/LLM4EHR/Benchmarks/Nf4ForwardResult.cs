namespace LLM4EHR.Benchmarks;

/// <summary>Storage bits per weight and f32 vs NF4 forward times (<see cref="Nf4Bench.Forward"/>).</summary>
public sealed record Nf4ForwardResult(double BitsPerParam, double BitsPerParamSingleQuant, TimingStats F32, TimingStats Nf4);
