using System.Text.Json;
using LLM4EHR.SafeTensors;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Writes a random Llama in the real Hugging Face layout (<c>config.json</c> with architectures/model_type/
/// torch_dtype, <c>model.safetensors</c> including <c>lm_head.weight</c>), loadable by <see cref="LlamaLoader"/>
/// and by transformers. For demos and tests: no download, seconds to create.
/// </summary>
public static class TinyLlamaWriter
{
    /// <summary>
    /// Writes the model into <paramref name="outDir"/> (created if needed). <paramref name="writeTokenizerFiles"/>,
    /// when given, is called with the folder after the weights are written (e.g. to add <c>tokenizer.model</c>).
    /// Every file is written to a temporary name and renamed, so a failure leaves no half-written file.
    /// </summary>
    public static LlamaConfig Write(string outDir, TinyLlamaOptions options, Action<string>? writeTokenizerFiles = null)
    {
        var config = options.ToConfig();
        Directory.CreateDirectory(outDir);
        var tensors = LlamaRandomWeights.Generate(config, options.Seed, includeLmHead: true).ToList();
        try
        {
            SafeTensorsWriter.Write(Path.Combine(outDir, LlamaLoader.SingleFile),
                tensors.Select(t => KeyValuePair.Create(t.Key, t.Value)),
                new Dictionary<string, string> { ["format"] = "pt" });
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
        WriteAtomically(Path.Combine(outDir, LlamaConfig.FileName), ConfigJson(config));
        writeTokenizerFiles?.Invoke(outDir);
        return config;
    }

    /// <summary>The config.json text HF writes for a LlamaForCausalLM.</summary>
    public static string ConfigJson(LlamaConfig c)
    {
        var json = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { "LlamaForCausalLM" },
            ["model_type"] = "llama",
            ["hidden_size"] = c.HiddenSize,
            ["intermediate_size"] = c.IntermediateSize,
            ["num_hidden_layers"] = c.NumHiddenLayers,
            ["num_attention_heads"] = c.NumAttentionHeads,
            ["num_key_value_heads"] = c.NumKeyValueHeads,
            ["head_dim"] = c.HeadDim,
            ["vocab_size"] = c.VocabSize,
            ["rms_norm_eps"] = c.RmsNormEps,
            ["rope_theta"] = c.RopeTheta,
            ["rope_scaling"] = c.RopeScaling is null ? null : new Dictionary<string, object>
            {
                ["rope_type"] = c.RopeScaling.RopeType,
                ["factor"] = c.RopeScaling.Factor,
                ["low_freq_factor"] = c.RopeScaling.LowFreqFactor,
                ["high_freq_factor"] = c.RopeScaling.HighFreqFactor,
                ["original_max_position_embeddings"] = c.RopeScaling.OriginalMaxPositionEmbeddings,
            },
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["hidden_act"] = "silu",
            ["initializer_range"] = LlamaRandomWeights.InitializerRange,
            ["attention_bias"] = c.AttentionBias,
            ["attention_dropout"] = 0.0,
            ["mlp_bias"] = c.MlpBias,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
            ["torch_dtype"] = c.TorchDtype,
            ["use_cache"] = true,
        };
        return JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true });
    }

    private static void WriteAtomically(string path, string text) => LLM4EHR.IO.AtomicFile.WriteAllText(path, text);
}
