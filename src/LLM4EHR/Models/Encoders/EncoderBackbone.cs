using static TorchSharp.torch;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// A whole-sequence encoder (Longformer, BigBird, or BERT within its length) as a backbone: the last hidden state
/// [B, T, H] of the stay's framed tokens (<c>&lt;s&gt; … &lt;/s&gt;</c> or <c>[CLS] … [SEP]</c>) and the attention mask,
/// so the head pools mean over real tokens or takes position 0 (CLS). Global attention is the family's own choice
/// (Longformer: the first token). Sequences must be right-padded (absolute positions start at the first column).
/// </summary>
public sealed class EncoderBackbone(EncoderModel encoder) : IBackbone
{
    public EncoderModel Encoder { get; } = encoder;

    public long HiddenSize => Encoder.Config.HiddenSize;
    public nn.Module Module => Encoder;
    public ILinearHost? Linears => Encoder;

    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch) =>
        (Encoder.Forward(batch.InputIds, batch.AttentionMask), batch.AttentionMask.alias());

    public void Dispose() => Encoder.Dispose();
}
