using System.Text.Json.Nodes;
using LLM4EHR.Models.Lora;
using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class PeftAdapterFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("peft-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly LoraSettings Settings = new() { R = 4, Alpha = 32, Dropout = 0.05, Targets = ["v_proj", "q_proj", "up_proj"] };

    private (LLM4EHR.Models.PooledClassifier, LoraAdapterSet) Trained()
    {
        var (clf, _) = ClassifierFactory.Build(Settings, nf4: true);
        using (no_grad())
            foreach (var (_, a) in clf.Adapters!.Adapters) a.WeightB.normal_(0, 0.1);
        return (clf, clf.Adapters!);
    }

    [Fact]
    public void Export_writes_peft_config_and_keys_and_import_round_trips_bit_exactly()
    {
        var (clf, set) = Trained();
        using var _c = clf;
        using (var export = PeftAdapter.FromAdapters(set, "CAUSAL_LM", "meta-llama/Llama-3.2-1B"))
            PeftAdapterFormat.Export(export, _dir);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "adapter_config.json")))!;
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(32, (int)config["lora_alpha"]!);
        Assert.Equal(0.05, (double)config["lora_dropout"]!);
        Assert.Equal(["q_proj", "up_proj", "v_proj"], config["target_modules"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("none", (string?)config["bias"]);
        Assert.False((bool)config["fan_in_fan_out"]!);
        Assert.Equal("meta-llama/Llama-3.2-1B", (string?)config["base_model_name_or_path"]);
        using (var file = SafeTensorsFile.Open(Path.Combine(_dir, "adapter_model.safetensors")))
        {
            Assert.Equal(12, file.Tensors.Count); // 2 layers × 3 targets × (A, B)
            Assert.Equal(new long[] { 4, 32 }, file.Info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").Shape);
            Assert.Equal(new long[] { 48, 4 }, file.Info("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight").Shape);
        }

        using var imported = PeftAdapterFormat.Import(_dir);
        Assert.Equal(Settings with { Seed = imported.Settings.Seed }, imported.Settings with { Targets = Settings.Targets });
        Assert.Equal(Settings.Targets.Order(), imported.Settings.Targets.Order());
        Assert.Equal(set.Adapters.Count, imported.Weights.Count);
        foreach (var (name, adapter) in set.Adapters)
        {
            TensorAssert.Equal(adapter.WeightA, imported.Weights[name].A, name + " A");
            TensorAssert.Equal(adapter.WeightB, imported.Weights[name].B, name + " B");
        }

        // Into a fresh model: same logits once the head matches too.
        var (fresh, _) = ClassifierFactory.Build(imported.Settings with { Seed = 123 }, nf4: true);
        using var _f = fresh;
        imported.CopyInto(fresh.Adapters!, _dir);
        clf.SetTrainingMode(false);
        fresh.SetTrainingMode(false);
        using var batch = TinyHostModel.Batch([3, 5], labels: 3);
        using var expected = clf.Logits(batch);
        using var got = fresh.Logits(batch);
        TensorAssert.Equal(expected, got, "logits after PEFT import");
    }

    [Theory]
    [InlineData("peft_type", "\"PREFIX_TUNING\"", "peft_type")]
    [InlineData("target_modules", "\".*proj\"", "target_modules")]
    [InlineData("use_dora", "true", "use_dora")]
    [InlineData("bias", "\"all\"", "bias")]
    [InlineData("rank_pattern", "{\"q_proj\": 8}", "rank_pattern")]
    [InlineData("lora_bias", "true", "lora_bias")]
    [InlineData("r", "8", "does not fit r=8")]
    public void Unsupported_or_inconsistent_configs_are_refused(string field, string json, string expected)
    {
        var (clf, set) = Trained();
        using var _c = clf;
        using (var export = PeftAdapter.FromAdapters(set, "CAUSAL_LM", null))
            PeftAdapterFormat.Export(export, _dir);
        string path = Path.Combine(_dir, "adapter_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config[field] = JsonNode.Parse(json);
        File.WriteAllText(path, config.ToJsonString());
        var ex = Assert.Throws<BadInputException>(() => PeftAdapterFormat.Import(_dir).Dispose());
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Missing_halves_foreign_keys_and_wrong_shapes_are_refused()
    {
        var (clf, set) = Trained();
        using var _c = clf;
        using var export = PeftAdapter.FromAdapters(set, "CAUSAL_LM", null);
        PeftAdapterFormat.Export(export, _dir);
        string weights = Path.Combine(_dir, "adapter_model.safetensors");

        Dictionary<string, Tensor> Tensors()
        {
            using var f = SafeTensorsFile.Open(weights);
            return f.Tensors.Keys.ToDictionary(k => k, k => f.Load(k));
        }
        var original = Tensors();
        void Rewrite(Action<Dictionary<string, Tensor>> edit)
        {
            var t = new Dictionary<string, Tensor>(original);
            edit(t);
            SafeTensorsWriter.Write(weights, t);
        }

        Rewrite(t => t.Remove("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"));
        Assert.Contains("has lora_A but no lora_B", Assert.Throws<BadInputException>(() => PeftAdapterFormat.Import(_dir).Dispose()).Message);

        Rewrite(t => t["base_model.model.score.weight"] = zeros(3, 32));
        Assert.Contains("not a LoRA key", Assert.Throws<BadInputException>(() => PeftAdapterFormat.Import(_dir).Dispose()).Message);

        // Right rank, wrong width: caught when copying into the model's adapters.
        Rewrite(t => t["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"] = zeros(4, 31));
        using var imported = PeftAdapterFormat.Import(_dir);
        var ex = Assert.Throws<BadInputException>(() => imported.CopyInto(set, _dir));
        Assert.Contains("model.layers.0.self_attn.q_proj", ex.Message);
        foreach (var t in original.Values) t.Dispose();
    }
}
