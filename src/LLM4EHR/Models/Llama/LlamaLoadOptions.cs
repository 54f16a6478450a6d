using LLM4EHR.Runtime;

namespace LLM4EHR.Models.Llama;

/// <summary>How <see cref="LlamaLoader"/> builds the model.</summary>
public sealed record LlamaLoadOptions
{
    /// <summary>Device and compute dtype (CPU f32 by default; CUDA bf16 via <see cref="ComputeDevice.Resolve"/>).</summary>
    public ComputeDevice Compute { get; init; } = ComputeDevice.Cpu;

    /// <summary>Optional hook that may replace each linear as its weight streams in (e.g. NF4 quantization).</summary>
    public LinearFactory? LinearFactory { get; init; }

    /// <summary>
    /// Refuse a weight holding NaN or ±Inf (a corrupted download or a broken conversion) at load, naming the tensor.
    /// One pass over each tensor as it streams in; turn off with <c>model.check_weights: false</c>.
    /// </summary>
    public bool CheckFinite { get; init; } = true;

    /// <summary>Progress: tensors placed so far out of the total.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }
}
