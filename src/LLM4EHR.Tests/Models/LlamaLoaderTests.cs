using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using LLM4EHR.SafeTensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class LlamaLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llama-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TinyLlamaOptions Tiny = new() { Hidden = 32, Layers = 2, Heads = 4, KvHeads = 2, VocabSize = 97, Seed = 5 };

    [Fact]
    public void Tiny_writer_output_loads_with_the_same_weights_and_HF_files()
    {
        bool tokenizerHookCalled = false;
        TinyLlamaWriter.Write(_dir, Tiny, dir => tokenizerHookCalled = dir == _dir);
        Assert.True(tokenizerHookCalled);
        string json = File.ReadAllText(Path.Combine(_dir, "config.json"));
        Assert.Contains("\"LlamaForCausalLM\"", json);
        Assert.Contains("\"model_type\": \"llama\"", json);
        Assert.Contains("\"torch_dtype\": \"float32\"", json);
        using (var file = SafeTensorsFile.Open(Path.Combine(_dir, "model.safetensors")))
            Assert.Contains("lm_head.weight", file.Tensors.Keys);

        using var model = LlamaLoader.Load(_dir);
        Assert.Equal(96, model.Config.IntermediateSize);
        var expected = LlamaRandomWeights.Generate(model.Config, Tiny.Seed).ToDictionary(p => p.Key, p => p.Value);
        var actual = model.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
            Assert.True(value.allclose(actual[key], rtol: 0, atol: 0), key);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        double std = actual["model.layers.0.mlp.up_proj.weight"].std().item<float>();
        Assert.InRange(std, 0.018, 0.022);
        foreach (var v in expected.Values) v.Dispose();
    }

    [Fact]
    public void Make_tiny_model_command_writes_a_loadable_model()
    {
        var main = typeof(LLM4EHR.Cli.CommandCatalog).Assembly.EntryPoint!;
        int Run(params string[] args) => (int)main.Invoke(null, [args])!; // the synchronous entry point wraps async Main
        string outDir = Path.Combine(_dir, "tiny");
        Assert.Equal(0, Run("make-tiny-model", "--out", outDir, "--hidden", "32", "--layers", "1", "--heads", "4",
            "--kv-heads", "1", "--intermediate", "40", "--vocab", "300", "--seed", "9"));
        using var model = LlamaLoader.Load(outDir);
        Assert.Equal((32, 1, 4, 1, 40, 300), (model.Config.HiddenSize, model.Config.NumHiddenLayers, model.Config.NumAttentionHeads,
            model.Config.NumKeyValueHeads, model.Config.IntermediateSize, model.Config.VocabSize));
        Assert.Equal(2, Run("make-tiny-model", "--out", outDir, "--vocab", "many"));
    }

    [Fact]
    public void Cl100k_vocab_means_100512()
    {
        Assert.Equal(100_512, TinyLlamaOptions.ParseVocab("cl100k"));
        Assert.Equal(1000, TinyLlamaOptions.ParseVocab("1000"));
        Assert.Throws<BadInputException>(() => TinyLlamaOptions.ParseVocab("gpt2"));
    }

    [Theory]
    [InlineData("missing", "missing: [model.layers.1.mlp.up_proj.weight]")]
    [InlineData("unexpected", "unexpected: [model.layers.7.extra.weight]")]
    public void Key_mismatches_name_the_keys(string kind, string expected)
    {
        TinyLlamaWriter.Write(_dir, Tiny);
        string path = Path.Combine(_dir, "model.safetensors");
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var key in file.Tensors.Keys)
                if (!(kind == "missing" && key == "model.layers.1.mlp.up_proj.weight"))
                    tensors.Add(KeyValuePair.Create(key, file.Load(key)));
        if (kind == "unexpected")
            tensors.Add(KeyValuePair.Create("model.layers.7.extra.weight", zeros(3)));
        SafeTensorsWriter.Write(path, tensors);

        var ex = Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir).Dispose());
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("lm_head", ex.Message);
    }

    [Fact]
    public void Wrong_shape_and_bf16_conversion()
    {
        TinyLlamaWriter.Write(_dir, Tiny);
        string path = Path.Combine(_dir, "model.safetensors");
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var key in file.Tensors.Keys)
                tensors.Add(KeyValuePair.Create(key, file.Load(key).to_type(ScalarType.BFloat16)));
        SafeTensorsWriter.Write(path, tensors);
        using (var model = LlamaLoader.Load(_dir))
        {
            Assert.Equal(ScalarType.Float32, model.parameters().First().dtype);
            Assert.True(tensors[1].Value.to_type(ScalarType.Float32).allclose(model.state_dict()[tensors[1].Key], rtol: 0, atol: 0));
        }

        File.WriteAllText(Path.Combine(_dir, "config.json"),
            File.ReadAllText(Path.Combine(_dir, "config.json")).Replace("\"intermediate_size\": 96", "\"intermediate_size\": 80"));
        var ex = Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir).Dispose());
        Assert.Contains("mlp.gate_proj.weight' has shape [96,32], config.json implies [80,32]", ex.Message);
    }

    [Fact]
    public void A_weight_with_nan_is_refused_naming_the_tensor_unless_the_check_is_off()
    {
        TinyLlamaWriter.Write(_dir, Tiny);
        string file = Path.Combine(_dir, LlamaLoader.SingleFile);
        Dictionary<string, Tensor> tensors;
        using (var st = LLM4EHR.SafeTensors.SafeTensorsFile.Open(file))
            tensors = st.Tensors.Keys.ToDictionary(k => k, k => st.Load(k));
        tensors["model.layers.1.self_attn.k_proj.weight"][0, 3] = float.NaN;
        LLM4EHR.SafeTensors.SafeTensorsWriter.Write(file, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var t in tensors.Values) t.Dispose();

        var ex = Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir).Dispose());
        Assert.Equal("model.safetensors: tensor 'model.layers.1.self_attn.k_proj.weight' holds NaN or infinite values (set model.check_weights: false to load it anyway)", ex.Message);
        using var loaded = LlamaLoader.Load(_dir, new LlamaLoadOptions { CheckFinite = false });
    }

    [Fact]
    public void Linear_factory_sees_every_projection_and_its_module_is_used()
    {
        TinyLlamaWriter.Write(_dir, Tiny);
        var seen = new List<string>();
        var options = new LlamaLoadOptions
        {
            LinearFactory = (name, weight, bias) =>
            {
                seen.Add(name);
                Assert.Null(bias);
                Assert.Equal(DeviceType.CPU, weight.device_type);
                // Keep v_proj as is (null), replace the others by a Linear holding the same weight (shared storage).
                return name.EndsWith("v_proj") ? null : nn.Linear(new TorchSharp.Modules.Parameter(weight.detach(), false));
            },
        };
        using var model = LlamaLoader.Load(_dir, options);
        Assert.Equal(model.LinearNames, seen);
        using var reference = LlamaLoader.Load(_dir);
        using var ids = tensor(new long[] { 3, 1, 4, 1, 5 }).unsqueeze(0);
        using var a = model.Forward(ids);
        using var b = reference.Forward(ids);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.All(model.parameters(), p => Assert.NotEqual(DeviceType.META, p.device_type));
    }

    [Theory]
    [InlineData("""{"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}""", "config.json: rope_scaling.rope_type: unsupported rope type 'yarn'")]
    [InlineData("""{"rope_scaling": {"type": "dynamic", "factor": 4.0}}""", "config.json: rope_scaling.rope_type: unsupported rope type 'dynamic'")]
    [InlineData("""{"rope_scaling": {"rope_type": "llama3", "factor": 8.0}}""", "config.json: rope_scaling.low_freq_factor: missing")]
    [InlineData("""{"hidden_size": "big"}""", "config.json: hidden_size: expected an integer")]
    [InlineData("""{"num_key_value_heads": 3}""", "config.json: num_attention_heads (4) must be a multiple of num_key_value_heads (3)")]
    [InlineData("""{"intermediate_size": null}""", "config.json: intermediate_size: missing")]
    public void Bad_configs_fail_naming_the_key(string patch, string expected)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(TinyLlamaWriter.ConfigJson(Tiny.ToConfig()))!.AsObject();
        foreach (var (k, v) in System.Text.Json.Nodes.JsonNode.Parse(patch)!.AsObject())
            json[k] = v?.DeepClone();
        var ex = Assert.Throws<BadInputException>(() => LlamaConfig.Parse(json.ToJsonString()));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Llama3_scaling_accepts_the_legacy_type_key_and_default_means_none()
    {
        var json = TinyLlamaWriter.ConfigJson(Tiny.ToConfig()).Replace("\"rope_scaling\": null",
            "\"rope_scaling\": {\"type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}");
        Assert.Equal(RopeScaling.Llama31, LlamaConfig.Parse(json).RopeScaling);
        var plain = TinyLlamaWriter.ConfigJson(Tiny.ToConfig()).Replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"default\"}");
        Assert.Null(LlamaConfig.Parse(plain).RopeScaling);
    }

    [Fact]
    public void Bad_folders_are_one_line_errors()
    {
        Assert.Contains("model folder not found", Assert.Throws<BadInputException>(() => LlamaLoader.Load(Path.Combine(_dir, "nope"))).Message);
        Assert.Contains("config.json not found", Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir)).Message);
        File.WriteAllText(Path.Combine(_dir, "config.json"), TinyLlamaWriter.ConfigJson(Tiny.ToConfig()));
        Assert.Contains("no model.safetensors or model.safetensors.index.json", Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir)).Message);
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), """{"weight_map": {"model.norm.weight": "model-00001-of-00002.safetensors"}}""");
        Assert.Contains("shard 'model-00001-of-00002.safetensors' not found", Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir)).Message);
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{ not json");
        Assert.Contains("config.json: not valid JSON", Assert.Throws<BadInputException>(() => LlamaLoader.Load(_dir)).Message);
    }
}
