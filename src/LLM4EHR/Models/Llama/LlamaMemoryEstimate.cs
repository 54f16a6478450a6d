using LLM4EHR.Models.Memory;
using LLM4EHR.Models.Quantization;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Parameter counts and weight memory of a Llama backbone (no LM head) computed from its config alone, for
/// choosing a precision before loading: f32, bf16, and NF4 (QLoRA layout: the seven projections of every
/// layer at 4 bits plus one float32 absmax per block of 64; embeddings and norms stay bf16).
/// Activations, LoRA adapters and optimizer state are not included: <see cref="MemoryPlan"/> adds them.
/// </summary>
public sealed record LlamaMemoryEstimate(long Parameters, long LinearParameters, long EmbeddingParameters, long NormParameters,
    long F32Bytes, long Bf16Bytes, long Nf4Bytes)
{
    public const int Nf4BlockSize = 64;
    /// <summary>bitsandbytes keeps one float32 absmax per block (without double quantization).</summary>
    public const int AbsmaxBytes = 4;

    public static LlamaMemoryEstimate For(LlamaConfig c)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        long perLayerLinear = h * q + 2 * h * kv + q * h + 3 * h * c.IntermediateSize;
        long perLayerBias = (c.AttentionBias ? q + 2 * kv + h : 0) + (c.MlpBias ? 2L * c.IntermediateSize + h : 0);
        long linear = c.NumHiddenLayers * perLayerLinear;
        long embedding = (long)c.VocabSize * h;
        // Two norms per layer, the final norm, and biases (kept in bf16 under NF4 like norms).
        long norms = c.NumHiddenLayers * (2 * h + perLayerBias) + h;
        long total = linear + embedding + norms;
        long blocks = c.NumHiddenLayers * BlocksPerLayer(c, h, q, kv);
        long nf4 = (linear + 1) / 2 + blocks * AbsmaxBytes + 2 * (embedding + norms);
        return new LlamaMemoryEstimate(total, linear, embedding, norms, 4 * total, 2 * total, nf4);
    }

    // Each linear is quantized on its own, so a partial block at the end of a weight counts as a block.
    private static long BlocksPerLayer(LlamaConfig c, long h, long q, long kv)
    {
        long Blocks(long n) => (n + Nf4BlockSize - 1) / Nf4BlockSize;
        return 2 * Blocks(h * q) + 2 * Blocks(h * kv) + 3 * Blocks(h * c.IntermediateSize);
    }

    /// <summary>
    /// Exact bytes of the decoder projections as this project stores them: <see cref="Nf4Linear"/>'s buffers (packed
    /// codes, then f32 absmax per 64-block or int8 codes + f32 scale per 256 blocks + one f32 offset per linear), or
    /// the weights in the compute dtype (<paramref name="computeBytes"/>) when not quantized. Biases: f32 under NF4.
    /// </summary>
    public static long LinearBytes(LlamaConfig c, WeightFormat format, int computeBytes)
    {
        long perLayer = 0;
        foreach (var spec in LlamaRandomWeights.Specs(c).Where(s => s.Key.StartsWith("model.layers.0.", StringComparison.Ordinal)
                     && s.Key.Contains("_proj.", StringComparison.Ordinal)))
        {
            long n = spec.ElementCount, blocks = (n + Nf4Quantizer.BlockSize - 1) / Nf4Quantizer.BlockSize;
            bool bias = spec.Key.EndsWith(".bias", StringComparison.Ordinal);
            perLayer += format switch
            {
                WeightFormat.Full => n * computeBytes,
                _ when bias => 4 * n,
                WeightFormat.Nf4 => (n + 1) / 2 + AbsmaxBytes * blocks,
                _ => (n + 1) / 2 + blocks + 4 * ((blocks + DoubleQuantizedScales.BlockSize - 1) / DoubleQuantizedScales.BlockSize) + 4,
            };
        }
        return c.NumHiddenLayers * perLayer;
    }

    /// <summary>Effective bits per parameter of the NF4 layout (about 4.5 for the linears).</summary>
    public double Nf4BitsPerLinearParameter => (4.0 * LinearParameters + 8.0 * AbsmaxBytes * (LinearParameters / (double)Nf4BlockSize)) / LinearParameters;
}
