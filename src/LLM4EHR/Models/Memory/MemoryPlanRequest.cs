using LLM4EHR.Models.Llama;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Memory;

/// <summary>
/// What a training run at one shape needs to be planned: the model's config, one micro-batch of
/// <see cref="BatchSize"/> × <see cref="SequenceLength"/> tokens (all real: the worst case), the storage of the base,
/// the compute dtype, the adapters and the head, and whether decoder layers are checkpointed.
/// </summary>
public sealed record MemoryPlanRequest
{
    public required LlamaConfig Model { get; init; }
    public required int SequenceLength { get; init; }
    public required int BatchSize { get; init; }
    /// <summary>Micro-batches per optimizer step: more steps, not more memory (reported for the advice).</summary>
    public int GradAccum { get; init; } = 1;
    public WeightFormat Weights { get; init; } = WeightFormat.Nf4DoubleQuant;
    /// <summary>bf16 on CUDA, f32 on CPU: activations, embeddings, norms and unquantized weights are held in it.</summary>
    public ScalarType Compute { get; init; } = ScalarType.BFloat16;
    /// <summary>True for a CUDA device: adds <see cref="CudaRuntimeBytes"/> for the context and workspaces.</summary>
    public bool Cuda { get; init; } = true;
    /// <summary>Adapter rank, or null for no LoRA (only the head trains, so no layer keeps activations).</summary>
    public int? LoraRank { get; init; } = 8;
    public IReadOnlyList<string> LoraTargets { get; init; } = ["q_proj", "v_proj"];
    public double LoraDropout { get; init; } = 0.05;
    public int Labels { get; init; } = 1;
    public bool GradientCheckpointing { get; init; } = true;
    /// <summary>
    /// Batches may hold stays of different lengths (the usual case): the attention mask is counted
    /// (<see cref="ActivationMemory.PaddingMask"/>). False for batches whose tokens are all real.
    /// </summary>
    public bool Padding { get; init; } = true;
    /// <summary>
    /// False for <see cref="Quantization.Nf4Linear"/>: its autograd function (<see cref="Quantization.Nf4MatMul"/>)
    /// dequantizes again in backward, so at most one dequantized weight exists at a time. True models an NF4 layer
    /// computing <c>linear(x, dequantize(W))</c> under plain autograd, which keeps every dequantized weight (compute
    /// dtype) for backward — a whole layer's during a checkpointed recompute, every layer's without checkpointing.
    /// </summary>
    public bool Nf4KeepsDequantizedWeights { get; init; }

    /// <summary>Assumed for CUDA: context (~0.5 GiB), cuBLAS and attention workspaces, caching-allocator slack.</summary>
    public const long CudaRuntimeBytes = 1L << 30;

    public int ComputeBytes => Compute switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        _ => throw new ArgumentException($"memory plan: unsupported compute dtype {Compute}"),
    };

    public long Tokens => (long)BatchSize * SequenceLength;
}
