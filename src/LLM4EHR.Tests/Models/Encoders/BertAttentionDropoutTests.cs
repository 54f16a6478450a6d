using LLM4EHR.Models;
using LLM4EHR.Models.Encoders.Bert;
using LLM4EHR.Tests.Models;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>
/// Full attention in training mode, which the (eval-mode) parity cases do not reach: on CPU it runs by hand with
/// <see cref="CounterDropout"/> instead of libtorch's SDPA dropout, and must still be SDPA's computation.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public class BertAttentionDropoutTests
{
    [Fact]
    public void Training_drops_attention_probabilities_after_the_padding_mask_as_sdpa_does()
    {
        using var scope = NewDisposeScope();
        const double p = 0.3;
        var q = randn(2, 3, 10, 8);                                            // [B, A, T, D]
        var k = randn(2, 3, 10, 8);
        var v = randn(2, 3, 10, 8);
        var real = ones(2, 10, ScalarType.Bool);
        real[1, TensorIndex.Slice(7)] = false;                                 // row 1: 3 padding tokens
        var mask = BertSelfAttention.AdditiveMask(real, ScalarType.Float32);   // [B, 1, 1, T]

        var withoutDropout = BertSelfAttention.Full(q, k, v, real, 0.0);
        var probabilities = (q.matmul(k.transpose(-2, -1)) / Math.Sqrt(8) + mask).softmax(-1); // [B, A, T, T]
        Assert.True(TensorAssert.MaxDiff(probabilities.matmul(v), withoutDropout) < 1e-5, "p = 0: SDPA itself");

        manual_seed(21);
        var dropped = BertSelfAttention.Full(q, k, v, real, p);
        manual_seed(21);
        var keep = CounterDropout.Keep(probabilities, p);                      // the mask Full drew
        var expected = (probabilities * keep / (1 - p)).matmul(v);
        Assert.True(TensorAssert.MaxDiff(expected, dropped) < 1e-5, "dropout on the masked probabilities, kept ones scaled");
        double droppedShare = keep.eq(0).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(droppedShare, p - 0.06, p + 0.06);                      // seeded; 600 draws, so about 3 standard deviations
        Assert.True(TensorAssert.MaxDiff(withoutDropout, dropped) > 1e-3, "training really drops");
    }
}
