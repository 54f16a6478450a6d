using LLM4EHR.Config;
using LLM4EHR.Models;
using LLM4EHR.Models.Encoders.Belt;

namespace LLM4EHR.Tests.Config;

/// <summary>The clinical encoders' config keys: model.type belt|longformer|bigbird, model.pooling, model.belt, their LoRA targets.</summary>
public class EncoderConfigTests
{
    // Lines 1-6: task, data, model with its type; the extra model keys start on line 7, other sections after them.
    private static string Yaml(string type, string modelExtra = "", string rest = "") =>
        $"task: ihm\ndata:\n  root: data/ihm\nmodel:\n  path: models/enc\n  type: {type}\n{modelExtra}{rest}";

    private static BadInputException Fails(string yaml)
    {
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(yaml, "x.yaml"));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void Belt_gets_upstream_chunking_mean_pooling_and_bert_lora_targets_by_default()
    {
        var c = ExperimentConfigLoader.Parse(Yaml("belt"), "x.yaml");
        Assert.Equal(ModelType.Belt, c.Model.Type);
        Assert.Equal(new BeltSettings(510, 170, 170, ChunkRepresentation.Cls, 16), c.Model.Belt);
        Assert.Equal(Pooling.Mean, c.Model.Pooling);
        Assert.Equal(["query", "value"], c.Lora.Targets);

        string saved = ExperimentConfigLoader.ToYaml(c);
        Assert.Contains("belt:", saved);
        Assert.Equal(saved, ExperimentConfigLoader.ToYaml(ExperimentConfigLoader.Parse(saved, "saved.yaml")));
    }

    [Fact]
    public void Encoder_keys_are_read_and_saved()
    {
        var c = ExperimentConfigLoader.Parse(Yaml("belt",
            "  pooling: max\n  belt:\n    chunk_size: 64\n    stride: 32\n    min_chunk_tokens: 16\n    chunk_representation: mean\n    chunk_batch: 4\n",
            "lora:\n  targets: [query, key, value, dense]\n"), "x.yaml");
        Assert.Equal(Pooling.Max, c.Model.Pooling);
        Assert.Equal(new BeltSettings(64, 32, 16, ChunkRepresentation.Mean, 4), c.Model.Belt);
        Assert.Equal(["query", "key", "value", "dense"], c.Lora.Targets);

        var lf = ExperimentConfigLoader.Parse(Yaml("longformer", "  pooling: cls\n"), "x.yaml");
        Assert.Equal(Pooling.Cls, lf.Model.Pooling);
        Assert.Null(lf.Model.Belt);
        string saved = ExperimentConfigLoader.ToYaml(lf);
        Assert.DoesNotContain("belt:", saved);
        Assert.Equal(saved, ExperimentConfigLoader.ToYaml(ExperimentConfigLoader.Parse(saved, "saved.yaml")));

        // The Llama's saved config has no encoder keys at all.
        var llama = ExperimentConfigLoader.Parse("task: ihm\ndata:\n  root: d\nmodel:\n  path: m\n", "x.yaml");
        Assert.Null(llama.Model.Pooling);
        Assert.DoesNotContain("pooling", ExperimentConfigLoader.ToYaml(llama));
    }

    [Theory]
    [InlineData("belt", "  pooling: cls\n", "", "x.yaml:7: model.pooling: model.type belt pools mean or max, got 'cls'")]
    [InlineData("longformer", "  pooling: max\n", "", "x.yaml:7: model.pooling: model.type longformer pools mean or cls, got 'max'")]
    [InlineData("llama", "  pooling: mean\n", "", "x.yaml:7: model.pooling: not used by model.type llama")]
    [InlineData("bigbird", "  belt:\n    chunk_size: 64\n", "", "x.yaml:8: model.belt: only used by model.type belt")]
    [InlineData("belt", "  belt:\n    chunk_size: 64\n    stride: 65\n", "", "x.yaml:9: model.belt.stride: must be 1..chunk_size (64)")]
    [InlineData("belt", "  belt:\n    min_chunk_tokens: 600\n", "", "x.yaml:8: model.belt.min_chunk_tokens: must be 1..chunk_size (510)")]
    [InlineData("belt", "  belt:\n    chunk_representation: max\n", "", "x.yaml:8: model.belt.chunk_representation: expected one of cls|mean")]
    [InlineData("belt", "", "lora:\n  targets: [q_proj]\n", "x.yaml:8: lora.targets: unknown module 'q_proj' for model.type belt (expected some of query, key, value, dense")]
    [InlineData("llama", "", "lora:\n  targets: [query]\n", "x.yaml:8: lora.targets: unknown module 'query' for model.type llama")]
    [InlineData("belt", "", "quantization:\n  nf4: true\n", "x.yaml:8: quantization.nf4: not available for model.type belt")]
    [InlineData("longformer", "", "text:\n  pad_side: left\n", "x.yaml:8: text.pad_side: model.type longformer needs right padding")]
    public void Bad_encoder_settings_name_file_line_and_key(string type, string modelExtra, string rest, string expected)
    {
        var e = Fails(Yaml(type, modelExtra, rest));
        Assert.StartsWith(expected, e.Message);
    }
}
