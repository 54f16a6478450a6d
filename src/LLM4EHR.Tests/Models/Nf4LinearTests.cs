using LLM4EHR.Models.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Tests.Models;

public class Nf4LinearTests
{
    [Fact]
    public void Forward_is_linear_with_the_dequantized_weight_and_state_is_buffers_only()
    {
        using var lin = Linear(40, 24, hasBias: true);
        using var q = new Nf4Linear(lin.weight!, lin.bias);
        Assert.Empty(q.parameters());
        Assert.Contains(q.named_buffers(), b => b.name == "packed");
        Assert.Equal((40, 24), (q.InFeatures, q.OutFeatures));
        using var x = randn(3, 5, 40);
        using var y = q.forward(x);
        using var w = q.DequantizedWeight();
        using var expected = functional.linear(x, w, lin.bias);
        TensorAssert.Equal(expected, y, "NF4 forward");
        using var full = lin.forward(x);
        double rel = ((full - y).norm() / full.norm()).item<float>();
        Assert.True(rel < 0.15, $"NF4 output relative error {rel}");
        Assert.False(TensorAssert.Identical(full, y));
    }

    [Fact]
    public void Factory_quantizes_decoder_projections_only()
    {
        var factory = Nf4LinearFactory.Create(new Nf4Options());
        using var w = randn(8, 16);
        using var q = factory("model.layers.3.mlp.down_proj", w, null);
        Assert.IsType<Nf4Linear>(q);
        Assert.Null(factory("lm_head", w, null));
        Assert.Null(factory("model.embed_tokens", w, null));
        Assert.False(new Nf4Options { Targets = ["q_proj"] }.Selects("model.layers.0.self_attn.k_proj"));
    }

    [Fact]
    public void Quantizing_a_model_in_place_replaces_every_projection_and_leaves_embeddings_and_norms()
    {
        using var model = new TinyHostModel();
        var untouched = model.named_parameters().Where(p => !p.name.Contains("proj"))
            .ToDictionary(p => p.name, p => p.parameter.clone());
        using var ids = tensor(new long[] { 3, 1, 4, 1, 5 }).view(1, 5);
        using var before = model.forward(ids);

        var done = Nf4LinearFactory.QuantizeInPlace(model, new Nf4Options());
        Assert.Equal(model.LinearNames, done);
        Assert.All(model.LinearNames, n => Assert.IsType<Nf4Linear>(model.GetLinear(n)));
        var remaining = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(untouched.Keys.Order(), remaining.Keys.Order());
        foreach (var (name, value) in untouched)
            TensorAssert.Equal(value, remaining[name], name);
        using var after = model.forward(ids);
        Assert.True(after.allclose(before, rtol: 0, atol: 0.5));
    }
}
