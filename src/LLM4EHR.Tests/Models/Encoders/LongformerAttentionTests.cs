using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Encoders.Longformer;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>
/// The blocked O(T·W) attention against the definition written densely (a T×T score matrix with the Longformer mask),
/// on shapes the fixture does not cover: several global tokens per row, rows with different global counts, padding,
/// and lengths that are not a multiple of the window.
/// </summary>
public class LongformerAttentionTests
{
    private static EncoderConfig Config(int window) => EncoderConfig.Parse($$"""
        {"model_type":"longformer","hidden_size":16,"num_attention_heads":2,"num_hidden_layers":1,"intermediate_size":32,
         "vocab_size":20,"max_position_embeddings":64,"attention_window":[{{window}}],"attention_probs_dropout_prob":0.0}
        """);

    [Theory]
    [InlineData(4, 11)]
    [InlineData(6, 37)]
    [InlineData(8, 5)]
    public void Blocked_attention_equals_the_dense_definition(int window, int t)
    {
        using var scope = NewDisposeScope();
        manual_seed(window * 100 + t);
        using var attention = new LongformerSelfAttention(Config(window), window, ScalarType.Float32);
        attention.eval();
        var x = randn(2, t, 16);
        var real = ones(2, t, ScalarType.Bool);
        real[1, TensorIndex.Slice(t - t / 3)] = tensor(false);                // row 1 is right-padded
        var global = zeros(2, t, ScalarType.Bool);
        global[0, 0] = tensor(true);
        global[0, t / 2] = tensor(true);                                       // row 0: two global tokens
        global[1, 0] = tensor(true);                                           // row 1: one
        using (no_grad())
        {
            var ours = attention.Forward(x, new EncoderMasks(real, global));
            var dense = Dense(attention, x, real, global, window / 2);
            var at = real.unsqueeze(-1).expand_as(ours);
            Assert.True(TensorAssert.MaxDiff(dense.masked_select(at), ours.masked_select(at)) < 1e-5);

            // Without global tokens the same module is pure sliding-window attention.
            var none = zeros(2, t, ScalarType.Bool);
            ours = attention.Forward(x, new EncoderMasks(real, none));
            dense = Dense(attention, x, real, none, window / 2);
            Assert.True(TensorAssert.MaxDiff(dense.masked_select(at), ours.masked_select(at)) < 1e-5);
        }
    }

    [Fact]
    public void Gradients_reach_the_global_and_local_projections()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var attention = new LongformerSelfAttention(Config(4), 4, ScalarType.Float32);
        var x = randn(1, 9, 16);
        var global = zeros(1, 9, ScalarType.Bool);
        global[0, 0] = tensor(true);
        attention.Forward(x, new EncoderMasks(ones(1, 9, ScalarType.Bool), global)).sum().backward();
        foreach (var name in new[] { "query", "key", "value", "query_global", "key_global", "value_global" })
        {
            var grad = ((TorchSharp.Modules.Linear)attention.Linears[name]).weight!.grad;
            Assert.True(grad is not null && grad.abs().sum().item<float>() > 0, name);
        }
    }

    // The Longformer rule as a full T×T mask: local rows see real non-global keys within w plus all real global keys;
    // global rows see every real key through the global projections. x [B, T, H] → [B, T, H].
    private static Tensor Dense(LongformerSelfAttention a, Tensor x, Tensor real, Tensor global, int w)
    {
        long b = x.shape[0], t = x.shape[1], heads = 2, d = 8;
        Tensor Heads(Tensor h) => h.view(b, t, heads, d).transpose(1, 2);      // [B, A, T, D]
        Tensor Attend(string q, string k, string v, Tensor allowed)
        {
            var scores = Heads(a.Linears.Call(q, x)).matmul(Heads(a.Linears.Call(k, x)).transpose(-1, -2)) / Math.Sqrt(d);
            scores = scores.masked_fill(allowed.logical_not().unsqueeze(1), float.NegativeInfinity);
            return F.softmax(scores, -1).matmul(Heads(a.Linears.Call(v, x)));   // [B, A, T, D]
        }
        var i = arange(t).unsqueeze(1);
        var j = arange(t).unsqueeze(0);
        var near = (i - j).abs().le(w).unsqueeze(0);                            // [1, T, T]
        var key = real.unsqueeze(1);                                            // [B, 1, T]
        var keyGlobal = global.unsqueeze(1);
        var local = near.logical_and(key).logical_and(keyGlobal.logical_not()).logical_or(key.logical_and(keyGlobal));
        var localOut = Attend("query", "key", "value", local);
        var globalOut = Attend("query_global", "key_global", "value_global", key.expand(b, t, t));
        var output = where(global.view(b, 1, t, 1), globalOut, localOut);
        return output.transpose(1, 2).reshape(b, t, heads * d);
    }
}
