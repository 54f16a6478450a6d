namespace LLM4EHR.Benchmarks;

/// <summary>Memory and quantization throughput of one checkpoint load (<see cref="Nf4Bench.LoadAndMeasure"/>).</summary>
public sealed record Nf4LoadResult(double BaselineMb, double PeakMb, double HeldMb, double QuantizeMelemPerS, int Tensors);
