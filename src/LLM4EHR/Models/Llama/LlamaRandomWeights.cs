using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Random Llama weights initialised as HF does (<c>initializer_range</c> 0.02: normal(0, 0.02) for embeddings and
/// linears, ones for norms, zeros for biases), yielded one tensor at a time in checkpoint order.
/// </summary>
public static class LlamaRandomWeights
{
    public const double InitializerRange = 0.02;

    /// <summary>
    /// (HF key, float32 CPU tensor) pairs; the caller owns each tensor. Includes <c>lm_head.weight</c> when
    /// <paramref name="includeLmHead"/> and the config does not tie embeddings (as real checkpoints do).
    /// </summary>
    public static IEnumerable<(string Key, Tensor Value)> Generate(LlamaConfig c, long seed, bool includeLmHead = false)
    {
        using var gen = new Generator((ulong)seed);
        Tensor Normal(params long[] shape) => normal(0.0, InitializerRange, shape, generator: gen);
        long q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;

        yield return ("model.embed_tokens.weight", Normal(c.VocabSize, c.HiddenSize));
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
                yield return (p + name + ".weight", Normal(outF, inF));
                if (bias)
                    yield return (p + name + ".bias", zeros(outF));
            }
            yield return (p + "input_layernorm.weight", ones(c.HiddenSize));
            yield return (p + "post_attention_layernorm.weight", ones(c.HiddenSize));
        }
        yield return ("model.norm.weight", ones(c.HiddenSize));
        if (includeLmHead && !c.TieWordEmbeddings)
            yield return (LlamaLoader.LmHeadKey, Normal(c.VocabSize, c.HiddenSize));
    }

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
