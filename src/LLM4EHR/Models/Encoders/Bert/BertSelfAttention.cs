using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention heads, D head dim (H / A).

namespace LLM4EHR.Models.Encoders.Bert;

/// <summary>
/// HF <c>BertSelfAttention</c> (absolute positions): every token attends to every real token of its row,
/// softmax(q kᵀ / sqrt(D) + padding mask) v, with attention dropout in training. Also BigBird's
/// <c>original_full</c> attention, which is the same computation.
/// </summary>
public sealed class BertSelfAttention : EncoderSelfAttention
{
    public BertSelfAttention(EncoderConfig c, ScalarType dtype, bool bias = true) : base("BertSelfAttention", c, dtype, bias)
    {
        RegisterComponents();
    }

    public override Tensor Forward(Tensor x, EncoderMasks masks)
    {
        using var scope = NewDisposeScope();
        var q = SplitHeads(Linears.Call("query", x));                  // [B, A, T, D]
        var k = SplitHeads(Linears.Call("key", x));
        var v = SplitHeads(Linears.Call("value", x));
        var context = Full(q, k, v, masks.Real, training ? DropoutProbability : 0.0); // [B, A, T, D]
        return MergeHeads(context).MoveToOuterDisposeScope();          // [B, T, H]
    }

    /// <summary>
    /// softmax(q kᵀ / sqrt(D) + padding mask) v with attention dropout <paramref name="dropout"/>: q, k, v [B, A, T, D],
    /// real bool [B, T] → [B, A, T, D]. Shared with BigBird's <c>original_full</c> attention.
    /// </summary>
    internal static Tensor Full(Tensor q, Tensor k, Tensor v, Tensor real, double dropout)
    {
        using var scope = NewDisposeScope();
        // Additive mask as HF builds it (0 real, dtype min at padding): a row with no real token at all (a padding
        // chunk) then averages instead of turning into NaN as a boolean mask would.
        var keyMask = AdditiveMask(real, q.dtype);                     // [B, 1, 1, T]
        if (dropout == 0 || q.device.type != DeviceType.CPU || q.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            return F.scaled_dot_product_attention(q, k, v, keyMask, p: dropout).MoveToOuterDisposeScope();
        // With dropout, libtorch's CPU SDPA takes its math path anyway and draws the [B, A, T, T] dropout mask from
        // its single-stream generator: the same math by hand with CounterDropout's mask (bench encoder bert, T 512:
        // 108–121 → 58–68 ms a step). Only in f32/f64: the math path computes half-precision inputs in f32.
        var probabilities = (q.matmul(k.transpose(-2, -1)).mul_(1 / Math.Sqrt(q.shape[^1])) + keyMask).softmax(-1); // [B, A, T, T]
        return CounterDropout.Apply(probabilities, dropout, training: true).matmul(v).MoveToOuterDisposeScope();
    }

    /// <summary>real bool [B, T] → [B, 1, 1, T]: 0 where real, the dtype's lowest value at padding.</summary>
    internal static Tensor AdditiveMask(Tensor real, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var padding = real.logical_not().unsqueeze(1).unsqueeze(1);    // [B, 1, 1, T]
        return zeros(padding.shape, dtype, real.device).masked_fill(padding, MinValue(dtype)).MoveToOuterDisposeScope();
    }

    internal static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => float.MinValue,
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float16 => -65504.0,
        _ => -3.3895313892515355e38, // bfloat16
    };
}
