using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Grouped-query self-attention (HF <c>LlamaAttention</c>): q/k/v projections, rotary embedding on q and k,
/// <c>scaled_dot_product_attention</c>, output projection. The projections are typed as plain modules so LoRA
/// wrappers and NF4 linears can take their place (see <see cref="ILinearHost"/>).
/// </summary>
public sealed class LlamaAttention : nn.Module
{
    [ComponentName(Name = "q_proj")] internal nn.Module<Tensor, Tensor> QProj;
    [ComponentName(Name = "k_proj")] internal nn.Module<Tensor, Tensor> KProj;
    [ComponentName(Name = "v_proj")] internal nn.Module<Tensor, Tensor> VProj;
    [ComponentName(Name = "o_proj")] internal nn.Module<Tensor, Tensor> OProj;

    private readonly int _heads, _kvHeads, _headDim;
    private readonly long[] _kvHeadOfQueryHead; // query head a uses kv head a / G (HF repeat_kv order)

    public LlamaAttention(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaAttention")
    {
        _heads = c.NumAttentionHeads;
        _kvHeads = c.NumKeyValueHeads;
        _headDim = c.HeadDim;
        _kvHeadOfQueryHead = Enumerable.Range(0, _heads).Select(a => (long)(a / c.KeyValueGroups)).ToArray();
        QProj = nn.Linear(c.HiddenSize, (long)_heads * _headDim, c.AttentionBias, device, dtype);
        KProj = nn.Linear(c.HiddenSize, (long)_kvHeads * _headDim, c.AttentionBias, device, dtype);
        VProj = nn.Linear(c.HiddenSize, (long)_kvHeads * _headDim, c.AttentionBias, device, dtype);
        OProj = nn.Linear((long)_heads * _headDim, c.HiddenSize, c.AttentionBias, device, dtype);
        RegisterComponents();
    }

    /// <summary>
    /// x [B, T, H]; cos/signed sin [B, 1, T, D] in <see cref="CoreDtype"/> (see <see cref="LlamaRotaryEmbedding.Compute"/>);
    /// mask null (no padding: causal fast path) or bool [B, 1, T, T] (true = may attend, causal and padding already
    /// folded in). Returns [B, T, H] in x's dtype.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var core = CoreDtype(x.dtype, x.device);
        var q = SplitHeads(QProj.call(x), _heads, core);                     // [B, A, T, D]
        var k = SplitHeads(KProj.call(x), _kvHeads, core);                   // [B, G, T, D]
        var v = SplitHeads(VProj.call(x), _kvHeads, core);                   // [B, G, T, D]
        q = LlamaRotaryEmbedding.Apply(q, cos, sin);
        k = LlamaRotaryEmbedding.Apply(k, cos, sin);
        var merged = Core(q, ExpandKeyValue(k), ExpandKeyValue(v), mask);     // [B, T, A*D]
        return OProj.call(merged.to_type(x.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The dtype of RoPE and the attention core for activations of <paramref name="dtype"/> on <paramref name="device"/>:
    /// on CPU a bf16 model runs them in f32. libtorch's CPU flash-attention kernel is about 2× slower in bf16 than in
    /// f32 at head dim 32 (it converts blocks to f32 inside anyway; measured 41 vs 22 ms fwd+bwd per bench-model
    /// layer, casts included), and the f32 path is the more exact one. The projections stay in bf16. On CUDA, bf16.
    /// </summary>
    public static ScalarType CoreDtype(ScalarType dtype, Device device) =>
        dtype == ScalarType.BFloat16 && device.type == DeviceType.CPU ? ScalarType.Float32 : dtype;

    // [B, T, heads·D] -> [B, heads, T, D] in the core dtype (a no-op cast unless bf16 on CPU).
    private Tensor SplitHeads(Tensor projected, int heads, ScalarType dtype) =>
        projected.view(projected.shape[0], projected.shape[1], heads, _headDim).transpose(1, 2).to_type(dtype);

    /// <summary>q, k, v [B, A, T, D] (k/v already expanded), mask as in <see cref="Forward"/> → merged heads [B, T, A*D].</summary>
    internal Tensor Core(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], t = q.shape[2];
        // TorchSharp 0.107's SDPA has no enable_gqa flag, so k/v are expanded to A heads (one copy of the
        // small k/v tensors); this keeps the 4-D layout the fused CPU flash-attention kernel requires
        // (5-D broadcasting works but takes a slower path: measured 33 vs 26 ms fwd+bwd per layer).
        var attn = mask is null
            ? F.scaled_dot_product_attention(q, k, v, is_casual: true)
            : F.scaled_dot_product_attention(q, k, v, mask);                  // [B, A, T, D]
        return attn.transpose(1, 2).reshape(b, t, (long)_heads * _headDim).MoveToOuterDisposeScope();
    }

    // [B, G, T, D] -> [B, A, T, D], each kv head repeated for its A/G query heads (HF repeat_kv order).
    // index_select gathers in one pass (and scatters in backward): measured 3x cheaper than expand + reshape.
    internal Tensor ExpandKeyValue(Tensor kv)
    {
        if (_heads == _kvHeads)
            return kv;
        using var index = tensor(_kvHeadOfQueryHead, device: kv.device);
        return kv.index_select(1, index);
    }
}
