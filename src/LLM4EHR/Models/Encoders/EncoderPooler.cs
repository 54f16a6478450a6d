using TorchSharp;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden.

namespace LLM4EHR.Models.Encoders;

/// <summary>HF <c>BertPooler</c>: tanh(dense(h[:, 0])), the first token's hidden state through a dense layer.</summary>
public sealed class EncoderPooler : nn.Module<Tensor, Tensor>
{
    [TorchSharp.Utils.ComponentName(Name = "dense")] internal readonly TorchSharp.Modules.Linear Dense;

    public EncoderPooler(EncoderConfig c, ScalarType dtype) : base("EncoderPooler")
    {
        Dense = nn.Linear(c.HiddenSize, c.HiddenSize, hasBias: true, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>hidden [B, T, H] → pooled [B, H].</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return Dense.call(hidden[.., 0]).tanh().MoveToOuterDisposeScope();
    }
}
