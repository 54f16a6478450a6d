using LLM4EHR.Models.Llama;

namespace LLM4EHR.Models.Memory;

/// <summary>
/// What autograd keeps for backward in one training step of this project's Llama with a frozen base, counted from
/// the code (N = batch × tokens, s = compute bytes, H hidden, Q = heads × head_dim, I intermediate, r LoRA rank).
/// A frozen linear saves only its weight (no activation); what a decoder layer whose adapters train keeps per token:
/// <list type="bullet">
/// <item>each RMSNorm: its input in f32 (the square's input), 2 × 4H;</item>
/// <item>each LoRA adapter on an input of width d: the dropped-out input in f32 (4d) and its dropout mask (d), and
/// A's output (4r); without dropout an f32 copy per adapter (bf16), or the shared input itself (f32);</item>
/// <item>attention (SDPA, flash kernel: no T×T matrix): q, k and v expanded to all heads, the output (4sQ) and the
/// f32 log-sum-exp per head; on the CPU, where small score matrices take <see cref="ChunkedCausalAttention"/>, also
/// its probabilities, per layer rather than per token (<see cref="ChunkedAttentionPerLayer"/>);</item>
/// <item>the MLP: gate, silu(gate) and up (3sI).</item>
/// </list>
/// Layer 0's input needs no gradient (frozen embeddings), so its first norm keeps nothing; the final norm keeps one
/// f32 copy instead: the total is L whole layers. With checkpointing the forward keeps each layer's input (sH) and
/// the final norm's (4H); backward recomputes one layer at a time. Backward's own peak is the MLP's: the gradient of
/// down's input and the two it splits into (3sI) beside the [N, H] gradients in flight (2sH).
/// </summary>
public static class ActivationMemory
{
    /// <summary>Bytes one decoder layer keeps for backward, per token.</summary>
    public static long PerTokenPerLayer(MemoryPlanRequest r)
    {
        if (r.LoraRank is not { } rank)
            return 0; // nothing in the layers trains: no layer output needs a gradient
        var c = r.Model;
        long s = r.ComputeBytes, h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim;
        long norms = 2 * 4 * h;
        long attention = 4 * s * q + 4L * c.NumAttentionHeads;
        long mlp = 3 * s * c.IntermediateSize;
        return norms + LoraInputs(r, rank) + attention + mlp;
    }

    // Per token: what the adapters' own graph keeps (see the class remarks).
    private static long LoraInputs(MemoryPlanRequest r, int rank)
    {
        var adapted = Projections(r.Model).Where(p => r.LoraTargets.Contains(p.Name)).ToList();
        long perAdapter = adapted.Sum(p => r.LoraDropout > 0 ? 5 * p.In : r.ComputeBytes == 4 ? 0 : 4 * p.In) + 4L * rank * adapted.Count;
        // f32 without dropout: A reads its input as is, so the input tensor (shared by q/k/v, by gate/up) is kept once.
        long shared = r.LoraDropout > 0 || r.ComputeBytes != 4 ? 0
            : adapted.GroupBy(p => InputOf(p.Name)).Sum(g => 4 * g.First().In);
        return perAdapter + shared;
    }

    /// <summary>
    /// CPU only: what one layer's chunked attention keeps beyond the flash kernel's (its probabilities;
    /// <see cref="ChunkedCausalAttention.SavedBytes"/>); 0 on CUDA, for large score matrices, or with nothing training.
    /// </summary>
    public static long ChunkedAttentionPerLayer(MemoryPlanRequest r) =>
        r.Cuda || r.LoraRank is null ? 0
            : ChunkedCausalAttention.SavedBytes(r.BatchSize, r.Model.NumAttentionHeads, r.SequenceLength);

    /// <summary>Bytes kept for backward once the forward has run (before backward starts).</summary>
    public static long Saved(MemoryPlanRequest r)
    {
        if (r.LoraRank is null)
            return 0;
        var c = r.Model;
        long n = r.Tokens, h = c.HiddenSize;
        long rotary = 2 * n * c.HeadDim * r.ComputeBytes; // cos and sin, shared by all layers
        return rotary + (r.GradientCheckpointing
            ? n * (c.NumHiddenLayers * r.ComputeBytes * h + 4 * h)
            : c.NumHiddenLayers * (n * PerTokenPerLayer(r) + ChunkedAttentionPerLayer(r)));
    }

    /// <summary>The highest activation memory during the step: what is kept, a recomputed layer, backward's gradients.</summary>
    public static long Peak(MemoryPlanRequest r)
    {
        if (r.LoraRank is null)
            return 0;
        var c = r.Model;
        long n = r.Tokens, s = r.ComputeBytes;
        long recompute = r.GradientCheckpointing ? n * PerTokenPerLayer(r) + ChunkedAttentionPerLayer(r) : 0;
        long workspace = n * s * (3L * c.IntermediateSize + 2L * c.HiddenSize);
        return Saved(r) + recompute + workspace;
    }

    /// <summary>
    /// Padded batches only: the bool mask [B, 1, T, T] built once per forward and kept for backward, and the additive
    /// copy in the compute dtype that SDPA makes from it in every layer and keeps for that layer's backward (one layer
    /// at a time with checkpointing, every layer without); where the CPU's chunked attention runs instead, no layer keeps
    /// a mask of its own (its masks are added to the scores, which keeps nothing). A batch without padding takes
    /// the causal kernel: no mask; nor does a batch of one sequence, which is never padded.
    /// </summary>
    public static long PaddingMask(MemoryPlanRequest r)
    {
        if (!r.Padding || r.BatchSize == 1)
            return 0;
        long square = (long)r.BatchSize * r.SequenceLength * r.SequenceLength;
        long perLayer = ChunkedAttentionPerLayer(r) > 0 ? 0 : square * r.ComputeBytes;
        return square + (r.LoraRank is null || r.GradientCheckpointing ? perLayer : perLayer * r.Model.NumHiddenLayers);
    }

    /// <summary>(short name, in, out) of a decoder layer's seven projections, from the checkpoint's own list.</summary>
    public static IEnumerable<(string Name, long In, long Out)> Projections(LlamaConfig c) =>
        LlamaRandomWeights.Specs(c)
            .Where(s => s.Key.StartsWith("model.layers.0.", StringComparison.Ordinal) && s.Key.EndsWith("_proj.weight", StringComparison.Ordinal))
            .Select(s => (Quantization.Nf4Options.LastSegment(s.Key[..^".weight".Length]), s.Shape[1], s.Shape[0]));

    // Which tensor a projection reads: q/k/v the attention norm's output, gate/up the MLP norm's, o and down their own.
    private static string InputOf(string projection) => projection switch
    {
        "q_proj" or "k_proj" or "v_proj" => "attention",
        "gate_proj" or "up_proj" => "mlp",
        _ => projection,
    };
}
