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

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Input_gradient_equals_that_of_a_linear_on_the_dequantized_weight(bool bias, bool doubleQuant)
    {
        using var scope = NewDisposeScope();
        using var lin = Linear(72, 40, hasBias: bias);
        using var q = new Nf4Linear(lin.weight!, lin.bias, doubleQuant);
        var x = randn(3, 5, 72).requires_grad_(true);
        var upstream = randn(3, 5, 40);                                      // d loss / d y
        var y = q.forward(x);
        Assert.True(y.requires_grad);
        (y * upstream).sum().backward();

        var xRef = x.detach().clone().requires_grad_(true);
        var yRef = functional.linear(xRef, q.DequantizedWeight(), lin.bias?.detach());
        (yRef * upstream).sum().backward();

        TensorAssert.Equal(yRef, y.detach(), "output");
        Assert.True(x.grad!.allclose(xRef.grad!, rtol: 1e-6, atol: 1e-7), $"input gradient: max |diff| {TensorAssert.MaxDiff(x.grad, xRef.grad!):g3}");
        Assert.True(x.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bf16_input_gets_a_bf16_output_and_gradient_that_track_f32()
    {
        using var scope = NewDisposeScope();
        using var q = new Nf4Linear(randn(48, 64) * 0.1f, randn(48) * 0.1f, doubleQuant: true);
        var x32 = randn(6, 64).requires_grad_(true);
        var x16 = x32.detach().to_type(ScalarType.BFloat16).requires_grad_(true);
        var y32 = q.forward(x32);
        var y16 = q.forward(x16);
        Assert.Equal(ScalarType.BFloat16, y16.dtype);
        y32.square().sum().backward();
        y16.to_type(ScalarType.Float32).square().sum().backward();
        Assert.Equal(ScalarType.BFloat16, x16.grad!.dtype);
        var g16 = x16.grad.to_type(ScalarType.Float32);
        double rel = ((g16 - x32.grad!).norm() / x32.grad!.norm()).item<float>();
        Assert.InRange(rel, 0, 0.03);
    }

    [Fact]
    public void Nothing_is_recorded_when_no_gradient_is_needed()
    {
        using var scope = NewDisposeScope();
        using var q = new Nf4Linear(randn(16, 32), randn(16));
        var x = randn(2, 32).requires_grad_(true);
        using (no_grad())
            Assert.False(q.forward(x).requires_grad);
        using (inference_mode())
            Assert.False(q.forward(x).requires_grad);
        Assert.False(q.forward(x.detach()).requires_grad); // grad mode on, but the input is a constant
        Assert.True(q.forward(x).requires_grad);
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
