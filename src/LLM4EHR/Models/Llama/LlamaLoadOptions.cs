using LLM4EHR.Runtime;

namespace LLM4EHR.Models.Llama;

/// <summary>How <see cref="LlamaLoader"/> builds the model.</summary>
public sealed record LlamaLoadOptions
{
    /// <summary>Device and compute dtype (CPU f32 by default; CUDA bf16 via <see cref="ComputeDevice.Resolve"/>).</summary>
    public ComputeDevice Compute { get; init; } = ComputeDevice.Cpu;

    /// <summary>Optional hook that may replace each linear as its weight streams in (e.g. NF4 quantization).</summary>
    public LinearFactory? LinearFactory { get; init; }

    /// <summary>Progress: tensors placed so far out of the total.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }
}
