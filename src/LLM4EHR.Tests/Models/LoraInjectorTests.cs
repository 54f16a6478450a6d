using LLM4EHR.Data;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class LoraInjectorTests
{
    [Fact]
    public void Default_targets_are_q_and_v_projections_like_peft_for_llama()
    {
        using var model = new TinyHostModel();
        var set = LoraInjector.Inject(model, new LoraSettings());
        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
                      "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"], set.Adapters.Select(a => a.ModuleName));
        Assert.All(set.Adapters, a => Assert.Same(a.Adapter, model.GetLinear(a.ModuleName)));
        Assert.Equal("lora.model.layers.0.self_attn.q_proj.lora_A.weight", set.NamedParameters()[0].Name);
        Assert.Equal("lora.model.layers.0.self_attn.q_proj.lora_B.weight", set.NamedParameters()[1].Name);
    }

    [Fact]
    public void Task_presets_and_all_targets_on_an_nf4_model()
    {
        Assert.Equal((8, 32.0, 0.05), (LoraSettings.ForTask(ClinicalTask.Ihm).R, LoraSettings.ForTask(ClinicalTask.Ihm).Alpha, LoraSettings.ForTask(ClinicalTask.Ihm).Dropout));
        Assert.Equal((16, 32.0), (LoraSettings.ForTask(ClinicalTask.Pheno).R, LoraSettings.ForTask(ClinicalTask.Pheno).Alpha));
        using var model = new TinyHostModel();
        Nf4LinearFactory.QuantizeInPlace(model, new Nf4Options());
        var set = LoraInjector.Inject(model, LoraSettings.ForTask(ClinicalTask.Pheno) with { Targets = LLM4EHR.Models.Llama.LlamaProjections.ShortNames });
        Assert.Equal(14, set.Adapters.Count);
        Assert.All(set.Adapters, a => Assert.IsType<Nf4Linear>(a.Adapter.BaseLayer));
        var down = set.Adapters.Single(a => a.ModuleName == "model.layers.0.mlp.down_proj").Adapter;
        Assert.Equal(new long[] { 16, 48 }, down.WeightA.shape);
        Assert.Equal(new long[] { 32, 16 }, down.WeightB.shape);
    }

    [Fact]
    public void Same_seed_same_adapters()
    {
        using var m1 = new TinyHostModel();
        using var m2 = new TinyHostModel();
        var s1 = LoraInjector.Inject(m1, new LoraSettings { Seed = 9 });
        var s2 = LoraInjector.Inject(m2, new LoraSettings { Seed = 9 });
        foreach (var ((_, p1), (_, p2)) in s1.NamedParameters().Zip(s2.NamedParameters()))
            TensorAssert.Equal(p1, p2, "seeded init");
    }

    [Theory]
    [InlineData("qkv_proj", "unknown")]
    [InlineData("", "empty")]
    public void Bad_targets_are_one_line_errors(string target, string expected)
    {
        using var model = new TinyHostModel();
        var targets = target.Length == 0 ? Array.Empty<string>() : [target];
        var ex = Assert.Throws<BadInputException>(() => LoraInjector.Inject(model, new LoraSettings { Targets = targets }));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
