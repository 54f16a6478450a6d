using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Tests.Models;

public class LoraLinearTests
{
    private static Module<Tensor, Tensor> MakeBase(bool nf4, Linear lin) => nf4 ? new Nf4Linear(lin.weight!, lin.bias) : lin;

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Fresh_adapter_with_zero_B_gives_exactly_the_base_output(bool nf4, bool training)
    {
        using var lin = Linear(24, 16, hasBias: true);
        var baseLayer = MakeBase(nf4, lin);
        using var adapter = new LoraLinear(baseLayer, 24, 16, r: 4, alpha: 32, dropout: 0.3);
        adapter.train(training);
        using var x = randn(2, 7, 24);
        using var expected = baseLayer.forward(x);
        using var y = adapter.forward(x);
        TensorAssert.Equal(expected, y, "B = 0");
        Assert.Equal(0, adapter.WeightB.abs().max().item<float>());
    }

    [Fact]
    public void Dropout_zeroes_a_fraction_p_of_the_inputs_and_scales_the_rest_by_one_over_one_minus_p()
    {
        // A = B = identity and alpha = r, so the delta is the dropped-out input itself, times 1/(1-p).
        const double p = 0.25;
        using var adapter = new LoraLinear(Linear(4, 4, hasBias: false), 4, 4, r: 4, alpha: 4, dropout: p);
        using (no_grad())
        {
            adapter.WeightA.copy_(eye(4));
            adapter.WeightB.copy_(eye(4));
        }
        using var x = ones(5000, 4);

        adapter.train(true);
        using var delta = adapter.AdapterDelta(x, ScalarType.Float32);
        using var zero = delta.eq(0);
        using var kept = delta.sub(1 / (1 - p)).abs().lt(1e-6);
        Assert.True(zero.logical_or(kept).all().item<bool>(), "every value is 0 or 1/(1-p)");
        double dropped = zero.to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(dropped, p - 0.015, p + 0.015); // 20000 draws: 3 standard deviations ≈ 0.009
        using var twice = adapter.AdapterDelta(x, ScalarType.Float32);
        Assert.False(twice.eq(delta).all().item<bool>(), "each forward draws a new mask");

        adapter.train(false);
        using var eval = adapter.AdapterDelta(x, ScalarType.Float32);
        TensorAssert.Equal(x, eval, "no dropout in eval mode");
    }

    [Fact]
    public void A_is_kaiming_uniform_and_seeded()
    {
        static LoraLinear Make(ulong seed)
        {
            using var g = new Generator(seed, CPU);
            return new LoraLinear(Linear(400, 8), 400, 8, r: 16, alpha: 32, dropout: 0, generator: g);
        }
        using var a1 = Make(5);
        using var a2 = Make(5);
        using var a3 = Make(6);
        TensorAssert.Equal(a1.WeightA, a2.WeightA, "same seed");
        Assert.False(TensorAssert.Identical(a1.WeightA, a3.WeightA));
        double bound = 1 / Math.Sqrt(400);
        double max = a1.WeightA.abs().max().item<float>();
        Assert.InRange(max, 0.9 * bound, bound); // 6400 draws of U(±b) reach close to b and never past it
        Assert.Equal(2.0, a1.Scale);
    }

    [Fact]
    public void Merged_linear_equals_the_unmerged_adapter_in_eval_mode()
    {
        using var lin = Linear(24, 16, hasBias: true);
        using var adapter = new LoraLinear(lin, 24, 16, r: 4, alpha: 8, dropout: 0.1);
        using (no_grad()) adapter.WeightB.normal_(0, 0.5);
        adapter.eval();
        using var x = randn(3, 24);
        using var y = adapter.forward(x);
        using var merged = adapter.Merge();
        using var ym = merged.forward(x);
        Assert.True(ym.allclose(y, rtol: 1e-5, atol: 1e-5), $"max diff {TensorAssert.MaxDiff(y, ym)}");
        Assert.False(TensorAssert.Identical(y, lin.forward(x)), "the adapter must actually change the output");
    }

    [Fact]
    public void Merging_into_a_model_keeps_its_outputs()
    {
        using var model = new TinyHostModel();
        var set = LoraInjector.Inject(model, new LoraSettings { Targets = LLM4EHR.Models.Llama.LlamaProjections.ShortNames, Dropout = 0 });
        using (no_grad())
            foreach (var (_, a) in set.Adapters) a.WeightB.normal_(0, 0.05);
        model.eval();
        using var ids = tensor(new long[] { 4, 8, 15, 16, 23, 42 }).view(2, 3);
        using var before = model.forward(ids);
        set.MergeInto(model);
        Assert.All(model.LinearNames, n => Assert.IsType<Linear>(model.GetLinear(n)));
        using var after = model.forward(ids);
        Assert.True(after.allclose(before, rtol: 1e-4, atol: 1e-5), $"max diff {TensorAssert.MaxDiff(before, after)}");
    }

    [Fact]
    public void Merge_refuses_an_nf4_base()
    {
        using var lin = Linear(8, 8);
        using var adapter = new LoraLinear(new Nf4Linear(lin.weight!), 8, 8, 2, 4, 0);
        Assert.Throws<InvalidOperationException>(() => adapter.Merge());
    }
}
