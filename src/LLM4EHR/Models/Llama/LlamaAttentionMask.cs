using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

/// <summary>
/// The attention mask for a padded batch, built once per forward and shared by every layer.
/// </summary>
public static class LlamaAttentionMask
{
    /// <summary>True when some position of the [B, T] mask is padding (0).</summary>
    public static bool HasPadding(Tensor attentionMask)
    {
        using var allReal = attentionMask.to_type(ScalarType.Bool).all();
        return !allReal.item<bool>();
    }

    /// <summary>
    /// Bool [B, 1, T, T], true where query t may attend key s: s ≤ t and s is a real token.
    /// Every query may also attend itself: with left padding a pad query would otherwise see no key at all and
    /// softmax would return NaN, which then leaks into gradients. Real queries always see themselves anyway, so
    /// their outputs are unchanged; pad rows carry harmless finite values that pooling masks out.
    /// </summary>
    public static Tensor Build(Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long t = attentionMask.shape[1];
        var device = attentionMask.device;
        var causal = ones(t, t, dtype: ScalarType.Bool, device: device).tril();          // [T, T]
        var realKeys = attentionMask.to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(1);   // [B, 1, 1, T]
        var allowed = causal.logical_and(realKeys).logical_or(eye(t, dtype: ScalarType.Bool, device: device)); // [B, 1, T, T]
        return allowed.MoveToOuterDisposeScope();
    }
}
