using static TorchSharp.torch;

namespace LLM4EHR.Models.Encoders.BigBird;

/// <summary>
/// HF <c>BigBirdModel</c>: BERT-style embeddings (absolute positions 0..T-1, token types, optional sqrt(H) rescaling,
/// dropout before the LayerNorm), post-LN layers with <see cref="BigBirdSelfAttention"/> (<c>block_sparse</c> or
/// <c>original_full</c>), and the pooler (<c>pooler.weight</c>, tanh) when the checkpoint has one.
/// </summary>
public sealed class BigBirdModel : EncoderModel
{
    public BigBirdModel(EncoderConfig config, ScalarType dtype = ScalarType.Float32, bool withPooler = true)
        : base("BigBirdModel", config, dtype, withPooler, i => new BigBirdSelfAttention(config, i, dtype))
    {
    }

    /// <summary>Whether a sequence of <paramref name="tokens"/> runs block sparse (else HF's fallback to full attention).</summary>
    public bool UsesBlockSparse(long tokens) => BigBirdSelfAttention.UsesBlockSparse(Config, tokens);
}
