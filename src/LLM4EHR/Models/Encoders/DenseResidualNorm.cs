using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, I MLP width.

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// HF <c>BertSelfOutput</c> / <c>BertOutput</c>: LayerNorm(dropout(dense(h)) + residual), the post-LN step after the
/// attention (<c>attention.output</c>, dense H → H) and after the MLP (<c>output</c>, dense I → H).
/// </summary>
public sealed class DenseResidualNorm : nn.Module
{
    [ComponentName(Name = "LayerNorm")] internal readonly LayerNorm Norm;
    private readonly double _dropout;

    public DenseResidualNorm(long inFeatures, EncoderConfig c, ScalarType dtype) : base("DenseResidualNorm")
    {
        Norm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps, dtype: dtype);
        _dropout = c.HiddenDropoutProb;
        RegisterComponents();
        Linears = new LinearSlots(this);
        Linears.Add("dense", inFeatures, c.HiddenSize, bias: true, dtype);
    }

    /// <summary>The <c>dense</c> projection, swappable for LoRA.</summary>
    public LinearSlots Linears { get; }

    /// <summary>h [B, T, in], residual [B, T, H] → [B, T, H].</summary>
    public Tensor Forward(Tensor h, Tensor residual)
    {
        using var scope = NewDisposeScope();
        var projected = CounterDropout.Apply(Linears.Call("dense", h), _dropout, training);   // [B, T, H]
        return Norm.call(projected + residual).MoveToOuterDisposeScope();
    }
}
