using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, I MLP width.

namespace LLM4EHR.Models.Encoders;

/// <summary>HF <c>BertAttention</c>: the family's <c>self</c> attention, then <c>output</c> (dense + residual + LayerNorm).</summary>
public sealed class EncoderAttention : nn.Module
{
    [ComponentName(Name = "self")] internal readonly EncoderSelfAttention Self;
    [ComponentName(Name = "output")] internal readonly DenseResidualNorm Output;

    public EncoderAttention(EncoderSelfAttention self, EncoderConfig c, ScalarType dtype) : base("EncoderAttention")
    {
        Self = self;
        Output = new DenseResidualNorm(c.HiddenSize, c, dtype);
        RegisterComponents();
    }

    /// <summary>x [B, T, H] → [B, T, H].</summary>
    public Tensor Forward(Tensor x, EncoderMasks masks)
    {
        using var scope = NewDisposeScope();
        return Output.Forward(Self.Forward(x, masks), x).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// One post-LN encoder layer (HF <c>BertLayer</c>, <c>LongformerLayer</c>, <c>BigBirdLayer</c>):
/// h = LN(x + attn(x)), then LN(h + dense(act(dense(h)))).
/// </summary>
public sealed class EncoderLayer : nn.Module, ICheckpointLayer
{
    [ComponentName(Name = "attention")] internal readonly EncoderAttention Attention;
    [ComponentName(Name = "intermediate")] internal readonly EncoderIntermediate Intermediate;
    [ComponentName(Name = "output")] internal readonly DenseResidualNorm Output;

    public EncoderLayer(EncoderSelfAttention self, EncoderConfig c, ScalarType dtype) : base("EncoderLayer")
    {
        Attention = new EncoderAttention(self, c, dtype);
        Intermediate = new EncoderIntermediate(c, dtype);
        Output = new DenseResidualNorm(c.IntermediateSize, c, dtype);
        RegisterComponents();
    }

    public EncoderSelfAttention SelfAttention => Attention.Self;

    /// <summary>The layer's swappable linears by their HF names relative to the layer (<c>attention.self.query</c>, …).</summary>
    public IEnumerable<(string Name, LinearSlots Slots, string Slot)> Linears()
    {
        foreach (var n in Attention.Self.Linears.Names)
            yield return ($"attention.self.{n}", Attention.Self.Linears, n);
        yield return ("attention.output.dense", Attention.Output.Linears, "dense");
        yield return ("intermediate.dense", Intermediate.Linears, "dense");
        yield return ("output.dense", Output.Linears, "dense");
    }

    /// <summary>x [B, T, H] → [B, T, H].</summary>
    public Tensor Forward(Tensor x, EncoderMasks masks)
    {
        using var scope = NewDisposeScope();
        var h = Attention.Forward(x, masks);                          // [B, T, H]
        return Output.Forward(Intermediate.Forward(h), h).MoveToOuterDisposeScope();
    }

    /// <summary>Parameters inside this layer that currently require grad (LoRA adapters, unfrozen weights).</summary>
    internal List<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad).ToList();

    List<Parameter> ICheckpointLayer.TrainableParameters() => TrainableParameters();

    // Context as EncoderModel passes it to LayerCheckpoint: the real-token mask, the global mask (or null).
    Tensor ICheckpointLayer.Forward(Tensor x, IReadOnlyList<Tensor?> context) => Forward(x, new EncoderMasks(context[0]!, context[1]));
}
