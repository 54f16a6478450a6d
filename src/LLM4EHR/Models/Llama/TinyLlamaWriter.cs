using System.Text.Json;
using LLM4EHR.IO;
using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Writes a random Llama in the real Hugging Face layout (<c>config.json</c> with architectures/model_type/
/// torch_dtype, <c>model.safetensors</c> or HF-style shards plus <c>model.safetensors.index.json</c>, including
/// <c>lm_head.weight</c>), loadable by <see cref="LlamaLoader"/> and by transformers. Tiny shapes for demos and tests
/// (seconds, no download); real shapes (<see cref="LlamaPresets"/>, ~16 GB for 8B) for memory and scale benchmarks.
/// <para>
/// Values stream to disk in chunks of a few MB (<see cref="LlamaRandomWeights.Chunks"/>): no tensor is ever held
/// whole. Every file goes through <see cref="AtomicFile"/>, and <c>config.json</c> — what marks a folder as a model —
/// is written last (after the index), so an interrupted write never leaves a folder that looks complete.
/// </para>
/// </summary>
public static class TinyLlamaWriter
{
    // Generated and converted per step: 64 MB of f32 values, a rounding error next to any model this writes in chunks.
    internal const long DefaultChunkElements = 16 << 20;
    // Room left over on the disk after the model (config, tokenizer, file system slack).
    private const long FreeSpaceMargin = 64L << 20;
    private static readonly Dictionary<string, string> FileMetadata = new() { ["format"] = "pt" };

    /// <summary>
    /// Writes the tiny model into <paramref name="outDir"/> (created if needed). <paramref name="writeTokenizerFiles"/>,
    /// when given, is called with the folder after the weights are written (e.g. to add <c>tokenizer.model</c>).
    /// </summary>
    public static LlamaConfig Write(string outDir, TinyLlamaOptions options, Action<string>? writeTokenizerFiles = null) =>
        Write(outDir, options.ToConfig(), options.Seed, writeTokenizerFiles);

    /// <summary>
    /// Writes a random model of any shape, stored in the config's <c>torch_dtype</c>, split into shards of at most
    /// <paramref name="maxShardBytes"/> of data. Checks free space first (bad input naming the folder when short) and
    /// reports the plan, then each tensor, through <paramref name="progress"/>.
    /// </summary>
    public static LlamaConfig Write(string outDir, LlamaConfig config, long seed, Action<string>? writeTokenizerFiles = null,
        IProgress<ModelWriteProgress>? progress = null, long maxShardBytes = SafeTensorsShards.DefaultMaxShardBytes,
        long chunkElements = DefaultChunkElements)
    {
        var dtype = StorageDtype(config);
        var specs = LlamaRandomWeights.Specs(config, includeLmHead: true).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var shards = SafeTensorsShards.Plan(specs.Values.Select(s => new SafeTensorEntry(s.Key, dtype, s.Shape)).ToList(), maxShardBytes);
        long total = shards.Sum(s => SafeTensorsWriter.FileSize(s.Entries, FileMetadata));
        long free = DiskSpace.Require(outDir, total + FreeSpaceMargin, $"a {DiskSpace.Gb(total)} GB model");
        progress?.Report(new ModelWriteProgress(outDir, total, shards.Count, free, 0, 0, specs.Count, null));

        Directory.CreateDirectory(outDir);
        // Rewriting a model folder: until the new config.json lands it must not look like a model (old or new).
        string configPath = Path.Combine(outDir, LlamaConfig.FileName), indexPath = Path.Combine(outDir, SafeTensorsShards.IndexFile);
        File.Delete(configPath);
        File.Delete(indexPath);

        using var gen = new Generator((ulong)seed);
        long written = 0;
        int tensors = 0;
        foreach (var (file, entries) in shards)
        {
            SafeTensorsWriter.Write(Path.Combine(outDir, file), entries, (entry, stream) =>
            {
                foreach (var values in LlamaRandomWeights.Chunks(specs[entry.Name], gen, chunkElements))
                {
                    if (dtype == ScalarType.Float32)
                    {
                        stream.Write(values.bytes);
                        continue;
                    }
                    using var stored = values.to_type(dtype);
                    stream.Write(stored.bytes);
                }
                written += entry.ByteLength;
                progress?.Report(new ModelWriteProgress(outDir, total, shards.Count, free, written, ++tensors, specs.Count, file));
            }, FileMetadata);
        }
        writeTokenizerFiles?.Invoke(outDir);
        if (shards.Count > 1)
            AtomicFile.WriteAllText(indexPath, SafeTensorsShards.IndexJson(shards));
        AtomicFile.WriteAllText(configPath, ConfigJson(config));
        return config;
    }

    /// <summary>The dtype the config says the checkpoint is stored in.</summary>
    private static ScalarType StorageDtype(LlamaConfig c) => c.TorchDtype switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        _ => throw new BadInputException($"config.json: torch_dtype: cannot write '{c.TorchDtype}' (float32, bfloat16 or float16)"),
    };

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
}

/// <summary>
/// Where a model write stands. The first report comes before anything is written (<see cref="TensorsWritten"/> 0) and
/// carries the plan: total size on disk, shard count and the free space found; then one report per tensor written.
/// </summary>
public sealed record ModelWriteProgress(string Folder, long TotalBytes, int Shards, long FreeBytes,
    long BytesWritten, int TensorsWritten, int TotalTensors, string? CurrentShard);
