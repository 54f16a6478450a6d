using System.Text.Json.Nodes;
using LLM4EHR.Models.Llama;
using LLM4EHR.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>The random-model writer at real-model layout (bf16, HF shards + index), checked at small shapes.</summary>
public class ShardedModelWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharded-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A Llama-3.1-like config at a small shape: bf16 storage, llama3 rope scaling, GQA.
    private static readonly LlamaConfig Small = new TinyLlamaOptions { Hidden = 64, Layers = 3, Heads = 4, KvHeads = 2, VocabSize = 300 }.ToConfig()
        with { TorchDtype = "bfloat16", RopeScaling = RopeScaling.Llama31, MaxPositionEmbeddings = 131_072 };

    [Fact]
    public void Sharded_bf16_write_loads_through_the_loader_with_the_same_weights_as_a_single_file()
    {
        string sharded = Path.Combine(_dir, "sharded"), single = Path.Combine(_dir, "single");
        var reports = new List<ModelWriteProgress>();
        // 40 kB shards (a layer's MLP alone is 3 × 24 kB): many shards; 48-element chunks: every tensor in pieces.
        TinyLlamaWriter.Write(sharded, Small, seed: 3, progress: new LLM4EHR.Runtime.InlineProgress<ModelWriteProgress>(reports.Add),
            maxShardBytes: 40_000, chunkElements: 48);
        TinyLlamaWriter.Write(single, Small, seed: 3);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(sharded, SafeTensorsShards.IndexFile)))!;
        var map = index["weight_map"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        var files = map.Values.Distinct().Order().ToList();
        Assert.True(files.Count > 3, $"{files.Count} shards");
        Assert.Equal(Enumerable.Range(1, files.Count).Select(i => $"model-{i:00000}-of-{files.Count:00000}.safetensors"), files);
        Assert.Contains(LlamaLoader.LmHeadKey, map.Keys);
        Assert.False(File.Exists(Path.Combine(sharded, SafeTensorsShards.SingleFile)));
        long dataBytes = 0;
        foreach (var file in files)
        {
            using var st = SafeTensorsFile.Open(Path.Combine(sharded, file));
            Assert.All(st.Tensors.Values, t => Assert.Equal("BF16", t.DtypeName));
            Assert.Equal(map.Where(kv => kv.Value == file).Select(kv => kv.Key).Order(), st.Tensors.Keys.Order());
            long bytes = st.Tensors.Values.Sum(t => t.ByteLength);
            Assert.True(bytes <= 40_000 || st.Tensors.Count == 1, $"{file}: {bytes} bytes");
            dataBytes += bytes;
        }
        Assert.Equal(dataBytes, index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.False(File.Exists(Path.Combine(single, SafeTensorsShards.IndexFile)));

        // The plan comes first (nothing written yet, the real file sizes), then one report per tensor.
        Assert.Equal(0, reports[0].TensorsWritten);
        Assert.Equal(files.Count, reports[0].Shards);
        Assert.Equal(files.Sum(f => new FileInfo(Path.Combine(sharded, f)).Length), reports[0].TotalBytes);
        Assert.Equal(reports[0].TotalTensors, reports[^1].TensorsWritten);
        Assert.Equal(dataBytes, reports[^1].BytesWritten);

        using var a = LlamaLoader.Load(sharded);
        using var b = LlamaLoader.Load(single);
        Assert.Equal(RopeScaling.Llama31, a.Config.RopeScaling);
        Assert.Equal("bfloat16", a.Config.TorchDtype);
        var expected = LlamaRandomWeights.Generate(Small, seed: 3).ToDictionary(p => p.Key, p => p.Value);
        var fromShards = a.state_dict();
        var fromSingle = b.state_dict();
        Assert.Equal(expected.Keys.Order(), fromShards.Keys.Order());
        foreach (var (key, value) in expected)
        {
            using var stored = value.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
            TensorAssert.Equal(fromSingle[key], fromShards[key], key);
            TensorAssert.Equal(stored, fromShards[key], key);
            value.Dispose();
        }
    }

    [Theory]
    [InlineData(37_000, 4096)]  // tail of 37000 mod 4096 = 136
    [InlineData(4100, 4096)]    // a 4-element tail folds into the previous piece
    [InlineData(15, 16)]        // under 16: one piece, as one draw
    [InlineData(1000, 50)]      // chunk rounded down to 48
    public void Chunked_values_concatenate_to_the_whole_draw(long n, long chunk)
    {
        var spec = new LlamaTensorSpec("w", [n], LlamaInit.Normal);
        using var g1 = new Generator(11);
        using var g2 = new Generator(11);
        using var whole = normal(0.0, LlamaRandomWeights.InitializerRange, [n], generator: g1);
        var pieces = LlamaRandomWeights.Chunks(spec, g2, chunk).Select(p => p.clone()).ToList();
        Assert.All(pieces.Take(pieces.Count - 1), p => Assert.Equal(0, p.numel() % 16));
        using var joined = cat(pieces, 0);
        TensorAssert.Equal(whole, joined, $"n={n} chunk={chunk}");
        foreach (var p in pieces) p.Dispose();
    }

    [Fact]
    public void Not_enough_disk_space_is_bad_input_naming_the_folder_before_anything_is_written()
    {
        // ~280 TB: more than any test machine has free. Nothing is allocated or created before the check.
        var huge = Small with { HiddenSize = 1 << 16, IntermediateSize = 1 << 18, NumHiddenLayers = 1000, HeadDim = 1 << 14, VocabSize = 1 << 20 };
        string target = Path.Combine(_dir, "huge");
        var ex = Assert.Throws<BadInputException>(() => TinyLlamaWriter.Write(target, huge, seed: 0));
        Assert.StartsWith($"{target}: not enough disk space for a ", ex.Message);
        Assert.Contains("GB free", ex.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Llama3_8b_preset_plans_Meta_s_four_shards_and_total_size_without_writing()
    {
        var config = LlamaPresets.Get(LlamaPresets.Llama3_8B);
        Assert.Equal(config, LlamaConfig.Parse(TinyLlamaWriter.ConfigJson(config)));
        var entries = LlamaRandomWeights.Specs(config, includeLmHead: true)
            .Select(s => new SafeTensorEntry(s.Key, ScalarType.BFloat16, s.Shape)).ToList();
        var shards = SafeTensorsShards.Plan(entries, SafeTensorsShards.DefaultMaxShardBytes);
        // Meta-Llama-3-8B's model.safetensors.index.json: "total_size": 16060522496, four shards.
        Assert.Equal(16_060_522_496L, entries.Sum(e => e.ByteLength));
        Assert.Equal(4, shards.Count);
        Assert.Equal("model-00004-of-00004.safetensors", shards[^1].File);
        Assert.Equal(LlamaLoader.LmHeadKey, shards[^1].Entries[^1].Name);
        Assert.Null(LlamaPresets.Get("llama3-8b").RopeScaling);
        Assert.Equal(RopeScaling.Llama31, LlamaPresets.Get("llama3.1-8b").RopeScaling);
        Assert.Contains("known: llama3-8b, llama3.1-8b", Assert.Throws<BadInputException>(() => LlamaPresets.Get("gpt2")).Message);
    }

    [Fact]
    public void Make_tiny_model_rejects_a_preset_with_shape_options_and_an_unknown_preset()
    {
        var main = typeof(LLM4EHR.Cli.CommandCatalog).Assembly.EntryPoint!;
        int Run(params string[] args) => (int)main.Invoke(null, [args])!;
        string outDir = Path.Combine(_dir, "m");
        Assert.Equal(2, Run("make-tiny-model", "--out", outDir, "--preset", "llama3-8b", "--layers", "2"));
        Assert.Equal(2, Run("make-tiny-model", "--out", outDir, "--preset", "llama9-1t"));
        Assert.False(Directory.Exists(outDir));
    }
}
