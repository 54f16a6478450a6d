using LLM4EHR.Models.Llama;

namespace LLM4EHR.Models.Memory;

/// <summary>
/// Device memory of one training step of the pooled Llama classifier, from its config alone: the frozen base as
/// stored, embeddings and norms in the compute dtype, adapters and head with their gradients and AdamW moments
/// (f32), the step's activation peak (<see cref="ActivationMemory"/>), dequantized NF4 weights held for backward,
/// and on CUDA a fixed allowance for the runtime. <see cref="Items"/> sum to <see cref="PeakBytes"/>.
/// </summary>
public sealed class MemoryPlan
{
    // f32 parameter + gradient + AdamW exp_avg + exp_avg_sq.
    private const int TrainableBytesPerParameter = 16;
    // Nf4Quantizer.DequantizeTorch (the CUDA path) holds, beside its output, the codes as int32 (2 bytes per weight),
    // the f32 levels and the f32 scaled levels (4 + 4) until it returns. The CPU path writes its output directly.
    private const int CudaDequantScratchBytesPerWeight = 10;

    private MemoryPlan(MemoryPlanRequest request, IReadOnlyList<MemoryPlanItem> items, long weightBytes, long stepBytes, long savedBytes)
    {
        Request = request;
        Items = items;
        WeightBytes = weightBytes;
        StepBytes = stepBytes;
        SavedBytes = savedBytes;
    }

    public MemoryPlanRequest Request { get; }
    public IReadOnlyList<MemoryPlanItem> Items { get; }
    /// <summary>The frozen model as held: base projections plus embeddings and norms.</summary>
    public long WeightBytes { get; }
    /// <summary>What the step adds at its peak on top of the held model and optimizer state: activations and dequantized weights.</summary>
    public long StepBytes { get; }
    /// <summary>What the forward leaves for backward: saved activations (and dequantized weights autograd keeps).</summary>
    public long SavedBytes { get; }
    public long PeakBytes => Items.Sum(i => i.Bytes);

    public bool Fits(long deviceBytes) => PeakBytes <= deviceBytes;

    public static MemoryPlan For(MemoryPlanRequest r)
    {
        var c = r.Model;
        var estimate = LlamaMemoryEstimate.For(c);
        long linears = LlamaMemoryEstimate.LinearBytes(c, r.Weights, r.ComputeBytes);
        long embeddings = (estimate.EmbeddingParameters + estimate.NormParameters) * r.ComputeBytes;
        string dtype = r.ComputeBytes == 2 ? "bf16" : "f32";
        var items = new List<MemoryPlanItem>
        {
            new("base projections", linears, FormatName(r.Weights, dtype)),
            new("embeddings + norms", embeddings, $"{dtype}; no LM head"),
            new("LoRA + head (train)", TrainableParameters(r) * TrainableBytesPerParameter, "f32 weights, grads, AdamW m and v"),
            new("activations", ActivationMemory.Peak(r),
                (r.GradientCheckpointing ? "layer inputs + one recomputed layer + backward grads" : "every layer's saved tensors + backward grads")
                + (ActivationMemory.ChunkedAttentionPerLayer(r) > 0 ? "; CPU attention probabilities" : "")),
        };
        if (ActivationMemory.PaddingMask(r) > 0)
            items.Add(new("attention mask", ActivationMemory.PaddingMask(r),
                ActivationMemory.ChunkedAttentionPerLayer(r) > 0 ? "padded batches: bool [B,1,T,T] (CPU chunk masks: under activations)"
                : r.GradientCheckpointing || r.LoraRank is null ? "padded batches: bool [B,1,T,T] + one additive copy"
                : "padded batches: bool [B,1,T,T] + an additive copy per layer"));
        bool keeps = r.Nf4KeepsDequantizedWeights && r.LoraRank is not null;
        long dequantized = r.Weights == WeightFormat.Full ? 0 : DequantizedBytes(r);
        if (r.Weights != WeightFormat.Full)
            items.Add(new("NF4 dequantized", dequantized, !keeps ? "one weight at a time"
                : r.GradientCheckpointing ? "one layer's weights, kept for backward" : "every layer's weights, kept for backward"));
        if (r.Cuda && r.Weights != WeightFormat.Full)
            items.Add(new("NF4 dequant scratch", CudaDequantScratchBytesPerWeight * ActivationMemory.Projections(c).Max(p => p.In * p.Out),
                "int32 codes + f32 levels while the largest projection dequantizes"));
        if (r.Cuda)
            items.Add(new("CUDA runtime", MemoryPlanRequest.CudaRuntimeBytes, "context, workspaces, allocator slack (assumed)"));
        // Only a forward with grad keeps weights: with checkpointing the layers run without grad until backward.
        long saved = ActivationMemory.Saved(r) + (keeps && !r.GradientCheckpointing ? dequantized : 0);
        return new MemoryPlan(r, items, linears + embeddings, ActivationMemory.Peak(r) + dequantized, saved);
    }

    /// <summary>Parameters that train: LoRA A [r, in] and B [out, r] on every target of every layer, and the head.</summary>
    public static long TrainableParameters(MemoryPlanRequest r)
    {
        long head = (long)r.Labels * r.Model.HiddenSize + r.Labels;
        if (r.LoraRank is not { } rank)
            return head;
        long perLayer = ActivationMemory.Projections(r.Model).Where(p => r.LoraTargets.Contains(p.Name)).Sum(p => rank * (p.In + p.Out));
        return r.Model.NumHiddenLayers * perLayer + head;
    }

    // Dequantized weights in the compute dtype that exist at the step's peak (see MemoryPlanRequest.Nf4KeepsDequantizedWeights).
    private static long DequantizedBytes(MemoryPlanRequest r)
    {
        var projections = ActivationMemory.Projections(r.Model).ToList();
        long layer = projections.Sum(p => p.In * p.Out) * r.ComputeBytes;
        if (!r.Nf4KeepsDequantizedWeights || r.LoraRank is null)
            return projections.Max(p => p.In * p.Out) * r.ComputeBytes;
        return r.GradientCheckpointing ? layer : layer * r.Model.NumHiddenLayers;
    }

    private static string FormatName(WeightFormat f, string dtype) => f switch
    {
        WeightFormat.Nf4DoubleQuant => "NF4 + double quant",
        WeightFormat.Nf4 => "NF4, f32 absmax",
        _ => dtype,
    };
}

/// <summary>One line of a <see cref="MemoryPlan"/>: a named amount and how it was counted.</summary>
public sealed record MemoryPlanItem(string Name, long Bytes, string Note);

/// <summary>How the frozen decoder projections are stored.</summary>
public enum WeightFormat
{
    /// <summary>In the compute dtype (bf16 on CUDA, f32 on CPU), as loaded without quantization.</summary>
    Full,
    /// <summary>NF4 codes + one f32 absmax per 64 weights (4.5 bits/weight).</summary>
    Nf4,
    /// <summary>NF4 with the absmax values quantized to int8 (≈4.13 bits/weight).</summary>
    Nf4DoubleQuant,
}
