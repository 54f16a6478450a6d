using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden.

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// The pooler: tanh(dense(h[:, 0])), the first token's hidden state through a dense layer. BERT and Longformer keep
/// the dense layer as a submodule (<c>pooler.dense.weight</c>, HF <c>BertPooler</c>); BigBird's pooler is the linear
/// itself (<c>pooler.weight</c>, HF <c>BigBirdModel.pooler</c> + tanh), so there its parameters sit on this module.
/// </summary>
public sealed class EncoderPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear? _dense;

    public EncoderPooler(EncoderConfig c, ScalarType dtype) : base("EncoderPooler")
    {
        if (c.Family == EncoderFamily.BigBird)
        {
            using var linear = nn.Linear(c.HiddenSize, c.HiddenSize, hasBias: true, dtype: dtype);
            register_parameter("weight", new Parameter(linear.weight!.detach().clone()));
            register_parameter("bias", new Parameter(linear.bias!.detach().clone()));
        }
        else
        {
            _dense = nn.Linear(c.HiddenSize, c.HiddenSize, hasBias: true, dtype: dtype);
            register_module("dense", _dense);
        }
    }

    /// <summary>hidden [B, T, H] → pooled [B, H].</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var first = hidden[.., 0];                                               // [B, H]
        var dense = _dense is not null ? _dense.call(first) : F.linear(first, get_parameter("weight")!, get_parameter("bias")); // looked up: .to() replaces registered parameters
        return dense.tanh().MoveToOuterDisposeScope();
    }
}
