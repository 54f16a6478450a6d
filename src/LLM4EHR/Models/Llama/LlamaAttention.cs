using F = TorchSharp.torch.nn.functional;
using TorchSharp.Utils;
using TorchSharp;
using static TorchSharp.torch;

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
        // On CPU, small score matrices go through ChunkedCausalAttention: faster than the flash kernel at small head dims.
        var attn = ChunkedCausalAttention.Applies(q) ? ChunkedCausalAttention.Apply(q, k, v, mask)
            : mask is null ? F.scaled_dot_product_attention(q, k, v, is_casual: true)
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

/// <summary>
/// Rotary position embedding, HF convention (rotate-half, frequencies duplicated across the two halves).
/// cos/sin are computed per forward from explicit position ids, so left padding, packing or any other position
/// scheme works; inverse frequencies follow HF's default and <c>llama3</c> rules exactly (in float32).
/// Not a Module: it has no parameters and its inverse-frequency table is not part of the checkpoint.
/// </summary>
public sealed class LlamaRotaryEmbedding : IDisposable
{
    private readonly Tensor _invFreq; // [D/2] float32

    public LlamaRotaryEmbedding(LlamaConfig config, Device device)
    {
        using var scope = NewDisposeScope();
        int dim = config.HeadDim;
        // HF: 1 / base ** (arange(0, dim, 2).float() / dim), in float32.
        var exponent = arange(0, dim, 2, dtype: ScalarType.Int64).to_type(ScalarType.Float32) / dim;
        var invFreq = pow(tensor((float)config.RopeTheta), exponent).reciprocal();
        if (config.RopeScaling is { RopeType: RopeScaling.Llama3 } s)
            invFreq = Llama3InvFreq(invFreq, s);
        _invFreq = invFreq.to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The inverse frequencies [D/2] (float32), exposed for tests.</summary>
    public Tensor InverseFrequencies => _invFreq;

    /// <summary>HF <c>_compute_llama3_parameters</c>: low frequencies divided by factor, high kept, a smooth ramp between.</summary>
    private static Tensor Llama3InvFreq(Tensor invFreq, RopeScaling s)
    {
        double oldContext = s.OriginalMaxPositionEmbeddings;
        double lowFreqWavelen = oldContext / s.LowFreqFactor;
        double highFreqWavelen = oldContext / s.HighFreqFactor;
        var wavelen = 2 * Math.PI / invFreq;
        var llama = where(wavelen > lowFreqWavelen, invFreq / s.Factor, invFreq);
        var smooth = (oldContext / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = (1 - smooth) * llama / s.Factor + smooth * llama;
        var isMedium = (wavelen >= highFreqWavelen).logical_and(wavelen <= lowFreqWavelen);
        return where(isMedium, smoothed, llama);
    }

    /// <summary>
    /// cos and signed sin [B, 1, T, D] in <paramref name="dtype"/> for position ids [B, T]. The signed sin has its
    /// first half negated, which folds HF's rotate_half sign into the table so <see cref="Apply"/> is a roll.
    /// </summary>
    public (Tensor Cos, Tensor SignedSin) Compute(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // freqs[b, t, i] = pos[b, t] * inv_freq[i]  (a K=1 product, bit-identical to HF's matmul)
        var freqs = positionIds.to_type(ScalarType.Float32).unsqueeze(-1) * _invFreq; // [B, T, D/2]
        var cos = cat([freqs, freqs], -1).cos();                                     // [B, T, D]
        var sin = freqs.sin();
        var signedSin = cat([sin.neg(), sin], -1);                                    // [B, T, D]
        return (cos.unsqueeze(1).to_type(dtype).MoveToOuterDisposeScope(),
                signedSin.unsqueeze(1).to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// HF's x·cos + rotate_half(x)·sin for x [B, heads, T, D], where rotate_half(x) = [-x2, x1]: rolling x by D/2
    /// gives [x2, x1] and the signed sin supplies the minus, with the same products and sum as HF (no cat of x).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        return (x * cos + x.roll(half, -1) * signedSin).MoveToOuterDisposeScope();
    }

    public void Dispose() => _invFreq.Dispose();
}
