using static TorchSharp.torch;

namespace LLM4EHR.Models.Encoders.Bert;

/// <summary>
/// HF <c>BertModel</c>: absolute position embeddings (ids 0..T-1), token-type embeddings, post-LN layers with full
/// self-attention over the real tokens, exact-erf GELU, and the pooler when the checkpoint has one.
/// </summary>
public sealed class BertModel : EncoderModel
{
    public BertModel(EncoderConfig config, ScalarType dtype = ScalarType.Float32, bool withPooler = true)
        : base("BertModel", config, dtype, withPooler, _ => new BertSelfAttention(config, dtype))
    {
    }
}
