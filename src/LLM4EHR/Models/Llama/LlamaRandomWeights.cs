using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Random Llama weights initialised as HF does (<c>initializer_range</c> 0.02: normal(0, 0.02) for embeddings and
/// linears, ones for norms, zeros for biases), in checkpoint order, from one seeded generator.
/// </summary>
public static class LlamaRandomWeights
{
    public const double InitializerRange = 0.02;

    /// <summary>
    /// Key, shape and init of every tensor, in checkpoint order. Includes <c>lm_head.weight</c> when
    /// <paramref name="includeLmHead"/> and the config does not tie embeddings (as real checkpoints do).
    /// </summary>
    public static IEnumerable<LlamaTensorSpec> Specs(LlamaConfig c, bool includeLmHead = false)
    {
        long q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        yield return new("model.embed_tokens.weight", [c.VocabSize, c.HiddenSize], LlamaInit.Normal);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            foreach (var (name, outF, inF, bias) in new (string, long, long, bool)[]
                     {
                         ("self_attn.q_proj", q, c.HiddenSize, c.AttentionBias),
                         ("self_attn.k_proj", kv, c.HiddenSize, c.AttentionBias),
                         ("self_attn.v_proj", kv, c.HiddenSize, c.AttentionBias),
                         ("self_attn.o_proj", c.HiddenSize, q, c.AttentionBias),
                         ("mlp.gate_proj", c.IntermediateSize, c.HiddenSize, c.MlpBias),
                         ("mlp.up_proj", c.IntermediateSize, c.HiddenSize, c.MlpBias),
                         ("mlp.down_proj", c.HiddenSize, c.IntermediateSize, c.MlpBias),
                     })
            {
                yield return new(p + name + ".weight", [outF, inF], LlamaInit.Normal);
                if (bias)
                    yield return new(p + name + ".bias", [outF], LlamaInit.Zeros);
            }
            yield return new(p + "input_layernorm.weight", [c.HiddenSize], LlamaInit.Ones);
            yield return new(p + "post_attention_layernorm.weight", [c.HiddenSize], LlamaInit.Ones);
        }
        yield return new("model.norm.weight", [c.HiddenSize], LlamaInit.Ones);
        if (includeLmHead && !c.TieWordEmbeddings)
            yield return new(LlamaLoader.LmHeadKey, [c.VocabSize, c.HiddenSize], LlamaInit.Normal);
    }

    /// <summary>(HF key, float32 CPU tensor) pairs; the caller owns each tensor.</summary>
    public static IEnumerable<(string Key, Tensor Value)> Generate(LlamaConfig c, long seed, bool includeLmHead = false)
    {
        using var gen = new Generator((ulong)seed);
        foreach (var spec in Specs(c, includeLmHead))
            yield return (spec.Key, Values(spec.Shape, spec.Init, gen));
    }

    /// <summary>
    /// One tensor's values as flat float32 pieces of about <paramref name="chunkElements"/> that concatenate to exactly
    /// what <see cref="Generate"/> gives for it, so a writer never holds a whole tensor. libtorch's normal_ on ≥16
    /// floats draws one uniform per element and transforms them in groups of 16, redrawing the last 16 when the count
    /// is not a multiple of 16: pieces whose lengths are multiples of 16, with a last piece of at least 16, consume the
    /// generator exactly as one whole draw does. Each piece is disposed when the next is requested.
    /// </summary>
    public static IEnumerable<Tensor> Chunks(LlamaTensorSpec spec, Generator gen, long chunkElements)
    {
        long step = Math.Max(16, chunkElements / 16 * 16), n = spec.ElementCount;
        for (long start = 0; start < n;)
        {
            long count = Math.Min(step, n - start);
            if (n - start - count is > 0 and < 16)
                count = n - start; // fold a short tail into this piece
            using var piece = Values([count], spec.Init, gen);
            yield return piece;
            start += count;
        }
    }

    private static Tensor Values(long[] shape, LlamaInit init, Generator gen) => init switch
    {
        LlamaInit.Normal => normal(0.0, InitializerRange, shape, generator: gen),
        LlamaInit.Ones => ones(shape),
        _ => zeros(shape),
    };

    /// <summary>A model with random weights on <paramref name="compute"/>, without touching disk (frozen like a loaded one).</summary>
    public static LlamaModel Create(LlamaConfig config, ComputeDevice compute, long seed, LinearFactory? linearFactory = null)
    {
        var model = new LlamaModel(config, compute);
        try
        {
            var sink = new LlamaWeightSink(model, linearFactory);
            foreach (var (key, value) in Generate(config, seed))
            {
                Tensor placed;
                using (value)
                    placed = value.to(compute.Dtype, compute.Device, copy: true);
                sink.Accept(key, placed, "random weights");
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

/// <summary>How a random weight starts (HF's <c>_init_weights</c> for Llama).</summary>
public enum LlamaInit
{
    /// <summary>normal(0, initializer_range): embeddings, linears, the LM head.</summary>
    Normal,
    /// <summary>RMSNorm scales.</summary>
    Ones,
    /// <summary>Biases.</summary>
    Zeros,
}

/// <summary>One checkpoint tensor of a Llama: its HF key, shape and random init, known before any value exists.</summary>
public sealed record LlamaTensorSpec(string Key, long[] Shape, LlamaInit Init)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
