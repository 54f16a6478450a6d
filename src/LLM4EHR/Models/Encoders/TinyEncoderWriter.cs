using System.Text.Json;
using LLM4EHR.IO;
using LLM4EHR.SafeTensors;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Writes a random encoder in the real Hugging Face layout, loadable by <see cref="EncoderLoader"/> and by transformers'
/// <c>AutoModel</c>: <c>config.json</c> (architectures, model_type and the family's keys) and <c>model.safetensors</c>
/// (float32, the base model's bare keys: <c>embeddings.*</c>, <c>encoder.layer.*</c>, <c>pooler.*</c>). For demos and
/// tests: tiny shapes, seconds, no download. <c>config.json</c>, which marks a folder as a model, is written last, so an
/// interrupted write never leaves a folder that looks complete.
/// </summary>
public static class TinyEncoderWriter
{
    private static readonly Dictionary<string, string> FileMetadata = new() { ["format"] = "pt" };

    /// <summary>
    /// Writes the model into <paramref name="outDir"/> (created if needed). <paramref name="writeTokenizerFiles"/>, when
    /// given, is called with the folder after the weights and before config.json (e.g. to add <c>vocab.txt</c>).
    /// </summary>
    public static EncoderConfig Write(string outDir, TinyEncoderOptions options, Action<string>? writeTokenizerFiles = null)
    {
        var config = options.ToConfig();
        Directory.CreateDirectory(outDir);
        string configPath = Path.Combine(outDir, EncoderConfig.FileName);
        File.Delete(configPath);
        using (var model = EncoderRandomWeights.Create(config, options.Seed, options.WithPooler))
            SafeTensorsWriter.Write(Path.Combine(outDir, SafeTensorsShards.SingleFile),
                model.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(p.name, p.parameter)), FileMetadata);
        writeTokenizerFiles?.Invoke(outDir);
        AtomicFile.WriteAllText(configPath, ConfigJson(config));
        return config;
    }

    /// <summary>The config.json text HF writes for the family's base model (<c>BertModel</c>, <c>LongformerModel</c>, <c>BigBirdModel</c>).</summary>
    public static string ConfigJson(EncoderConfig c)
    {
        var json = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { c.Family switch { EncoderFamily.Bert => "BertModel", EncoderFamily.Longformer => "LongformerModel", _ => "BigBirdModel" } },
            ["model_type"] = c.ModelType,
            ["hidden_size"] = c.HiddenSize,
            ["num_hidden_layers"] = c.NumHiddenLayers,
            ["num_attention_heads"] = c.NumAttentionHeads,
            ["intermediate_size"] = c.IntermediateSize,
            ["hidden_act"] = c.HiddenAct,
            ["hidden_dropout_prob"] = c.HiddenDropoutProb,
            ["attention_probs_dropout_prob"] = c.AttentionProbsDropoutProb,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["type_vocab_size"] = c.TypeVocabSize,
            ["vocab_size"] = c.VocabSize,
            ["layer_norm_eps"] = c.LayerNormEps,
            ["initializer_range"] = EncoderRandomWeights.InitializerRange,
            ["pad_token_id"] = c.PadTokenId,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = "float32",
        };
        switch (c.Family)
        {
            case EncoderFamily.Longformer:
                json["attention_window"] = c.AttentionWindow;
                json["bos_token_id"] = 0;
                json["eos_token_id"] = 2;
                json["sep_token_id"] = 2;
                break;
            case EncoderFamily.BigBird:
                json["attention_type"] = c.AttentionType;
                json["block_size"] = c.BlockSize;
                json["num_random_blocks"] = c.NumRandomBlocks;
                json["rescale_embeddings"] = c.RescaleEmbeddings;
                json["use_bias"] = c.UseBias;
                break;
        }
        return JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true });
    }
}
