using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden.

namespace LLM4EHR.Models.Encoders.Longformer;

/// <summary>
/// HF <c>LongformerModel</c>: RoBERTa-style embeddings (position ids pad_token_id + 1, 2, … over the non-pad tokens,
/// pad_token_id at padding), post-LN layers with sliding-window + global attention (<see cref="LongformerSelfAttention"/>,
/// window per layer from <c>attention_window</c>). Without an explicit global mask the first token of each row is global,
/// as HF's <c>LongformerForSequenceClassification</c> does for its [CLS] (<c>&lt;s&gt;</c>) token.
/// </summary>
public sealed class LongformerModel : EncoderModel
{
    public LongformerModel(EncoderConfig config, ScalarType dtype = ScalarType.Float32, bool withPooler = false)
        : base("LongformerModel", config, dtype, withPooler, i => new LongformerSelfAttention(config, config.AttentionWindow[i], dtype))
    {
    }

    /// <summary>
    /// pad + cumsum(ids != pad) at real tokens, pad at padding (HF create_position_ids_from_input_ids): [B, T]. Tokens
    /// the attention mask marks as padding count as padding too, so a batch padded with another id (e.g. 0, which is
    /// Longformer's &lt;s&gt;) still numbers its real tokens 2, 3, ….
    /// </summary>
    protected override Tensor PositionIds(Tensor inputIds, Tensor real)
    {
        using var scope = NewDisposeScope();
        var notPad = inputIds.ne(Config.PadTokenId).logical_and(real).to_type(ScalarType.Int64); // [B, T]
        return (notPad.cumsum(1) * notPad + Config.PadTokenId).MoveToOuterDisposeScope();
    }

    /// <summary>The requested global tokens (real ones only), else the first token of every row: bool [B, T].</summary>
    protected override Tensor? GlobalMask(Tensor real, Tensor? requested)
    {
        using var scope = NewDisposeScope();
        Tensor global;
        if (requested is not null)
            global = requested.to_type(ScalarType.Bool);
        else
        {
            global = zeros_like(real);
            global[.., 0] = tensor(true);
        }
        return global.logical_and(real).MoveToOuterDisposeScope();
    }
}
