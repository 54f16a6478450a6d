using LLM4EHR.Models;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// What <see cref="StepMemoryProbe"/> measured: the exact bytes the built model holds (backbone and head), and the RSS
/// (MiB) one training step added — once the forward had run (what autograd keeps for backward) and at its peak.
/// </summary>
public sealed record StepMemoryMeasurement(ModelTensorBytes Tensors, double SavedMb, double PeakMb, bool ExactPeak, double StepSeconds);
