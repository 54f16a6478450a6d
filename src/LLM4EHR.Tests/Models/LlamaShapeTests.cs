using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class LlamaShapeTests
{
    // Meta-Llama-3-8B's config.json, as published.
    private const string Llama3_8B = """
    {
      "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
      "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
      "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 8192,
      "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 500000.0,
      "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.40.0.dev0",
      "use_cache": true, "vocab_size": 128256
    }
    """;

    [Fact]
    public void Llama3_8B_counts_7_50B_parameters_without_allocating_weights()
    {
        var config = LlamaConfig.Parse(Llama3_8B);
        Assert.Equal(128, config.HeadDim); // defaulted from hidden / heads
        using var model = new LlamaModel(config, ComputeDevice.Cpu);
        var parameters = model.named_parameters().ToList();
        Assert.All(parameters, p => Assert.Equal(DeviceType.META, p.parameter.device_type));
        long count = parameters.Sum(p => p.parameter.numel());
        Assert.Equal(7_504_924_672L, count);
        Assert.Equal(32 * 9 + 2, parameters.Count);
        Assert.Contains(parameters, p => p.name == "model.layers.31.mlp.down_proj.weight" && p.parameter.shape.SequenceEqual(new long[] { 4096, 14336 }));
        Assert.Contains(parameters, p => p.name == "model.layers.0.self_attn.k_proj.weight" && p.parameter.shape.SequenceEqual(new long[] { 1024, 4096 }));

        var estimate = LlamaMemoryEstimate.For(config);
        Assert.Equal(count, estimate.Parameters);
        Assert.Equal(4 * count, estimate.F32Bytes);   // 30.0 GB
        Assert.Equal(2 * count, estimate.Bf16Bytes);  // 15.0 GB
        long linear = parameters.Where(p => p.name.EndsWith("_proj.weight")).Sum(p => p.parameter.numel());
        Assert.Equal(linear, estimate.LinearParameters);
        // NF4: 4 bits + one f32 absmax per 64 values for the projections, bf16 for embeddings and norms.
        long expectedNf4 = linear / 2 + linear / 64 * 4 + 2 * (count - linear);
        Assert.Equal(expectedNf4, estimate.Nf4Bytes);
        Assert.InRange(estimate.Nf4Bytes / 1e9, 4.9, 5.1);
        Assert.Equal(4.5, estimate.Nf4BitsPerLinearParameter, 6);
    }

    [Fact]
    public void Linear_names_are_the_HF_module_names_and_swapping_updates_parameters()
    {
        var config = new TinyLlamaOptions { Hidden = 32, Layers = 2, Heads = 4, KvHeads = 2, VocabSize = 50 }.ToConfig();
        using var model = LlamaRandomWeights.Create(config, ComputeDevice.Cpu, seed: 1);
        Assert.Equal(14, model.LinearNames.Count);
        Assert.Equal("model.layers.0.self_attn.q_proj", model.LinearNames[0]);
        Assert.Equal("model.layers.1.mlp.down_proj", model.LinearNames[^1]);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.All(model.LinearNames, n => Assert.Contains(n + ".weight", names));

        var replacement = nn.Linear(32, 32, hasBias: true);
        model.SetLinear("model.layers.1.self_attn.q_proj", replacement);
        Assert.Same(replacement, model.GetLinear("model.layers.1.self_attn.q_proj"));
        var after = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Same(replacement.bias, after["model.layers.1.self_attn.q_proj.bias"]);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", model.state_dict().Keys);

        // Forward uses the new module: zeroing it changes the output.
        using var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        using var before = model.Forward(ids);
        using (no_grad()) { replacement.weight!.zero_(); replacement.bias!.zero_(); }
        using var changed = model.Forward(ids);
        Assert.False(before.allclose(changed));
        Assert.Throws<ArgumentException>(() => model.GetLinear("model.layers.2.self_attn.q_proj"));
        Assert.Throws<ArgumentException>(() => model.GetLinear("model.layers.0.self_attn.rotary"));
    }
}
