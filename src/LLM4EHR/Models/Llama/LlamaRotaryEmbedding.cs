using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

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
