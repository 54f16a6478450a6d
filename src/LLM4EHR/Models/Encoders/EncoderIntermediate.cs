using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, I MLP width.

namespace LLM4EHR.Models.Encoders;

/// <summary>HF <c>BertIntermediate</c>: act(dense(x)), H → I, with the config's <c>hidden_act</c>.</summary>
public sealed class EncoderIntermediate : nn.Module
{
    private readonly string _act;

    public EncoderIntermediate(EncoderConfig c, ScalarType dtype) : base("EncoderIntermediate")
    {
        _act = c.HiddenAct;
        Linears = new LinearSlots(this);
        Linears.Add("dense", c.HiddenSize, c.IntermediateSize, bias: true, dtype);
    }

    /// <summary>The <c>dense</c> projection, swappable for LoRA.</summary>
    public LinearSlots Linears { get; }

    /// <summary>x [B, T, H] → [B, T, I].</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Activate(Linears.Call("dense", x), _act).MoveToOuterDisposeScope();
    }

    /// <summary>HF's ACT2FN for the activations the config accepts: <c>gelu</c> is exact (erf), the tanh ones approximate.</summary>
    internal static Tensor Activate(Tensor x, string act)
    {
        switch (act)
        {
            case "gelu":
                return F.gelu(x);
            case "relu":
                return F.relu(x);
            default: // gelu_new, gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                using (var scope = NewDisposeScope())
                {
                    var inner = (x + x.pow(3) * 0.044715) * Math.Sqrt(2.0 / Math.PI);
                    return (x * 0.5 * (inner.tanh() + 1.0)).MoveToOuterDisposeScope();
                }
        }
    }
}
