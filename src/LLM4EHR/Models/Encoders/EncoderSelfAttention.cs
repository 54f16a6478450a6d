using TorchSharp;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention heads, D head dim (H / A).

namespace LLM4EHR.Models.Encoders;

/// <summary>Which tokens are real and which attend globally, for every layer of one forward.</summary>
/// <param name="Real">bool [B, T]: true at real tokens, false at padding.</param>
/// <param name="Global">bool [B, T]: true at tokens with global attention (Longformer), or null.</param>
public sealed record EncoderMasks(Tensor Real, Tensor? Global);

/// <summary>
/// The <c>attention.self</c> module of an encoder layer: the <c>query</c>/<c>key</c>/<c>value</c> projections (in
/// <see cref="Linears"/>, where LoRA can wrap them) and the family's attention pattern. Returns the per-head context
/// merged back to [B, T, H], before <c>attention.output.dense</c>.
/// </summary>
public abstract class EncoderSelfAttention : nn.Module
{
    protected readonly int Heads, HeadDim;
    protected readonly double DropoutProbability;

    protected EncoderSelfAttention(string name, EncoderConfig c, ScalarType dtype, bool bias) : base(name)
    {
        Heads = c.NumAttentionHeads;
        HeadDim = c.HeadDim;
        DropoutProbability = c.AttentionProbsDropoutProb;
        Linears = new LinearSlots(this);
        foreach (var projection in new[] { "query", "key", "value" })
            Linears.Add(projection, c.HiddenSize, c.HiddenSize, bias, dtype);
    }

    /// <summary>The projections by their HF names relative to this module.</summary>
    public LinearSlots Linears { get; }

    /// <summary>x [B, T, H] → context [B, T, H].</summary>
    public abstract Tensor Forward(Tensor x, EncoderMasks masks);

    /// <summary>[B, T, H] → [B, A, T, D].</summary>
    protected Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], Heads, HeadDim).transpose(1, 2);

    /// <summary>[B, A, T, D] → [B, T, H].</summary>
    protected Tensor MergeHeads(Tensor x) => x.transpose(1, 2).reshape(x.shape[0], x.shape[2], (long)Heads * HeadDim);
}
