using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Root-mean-square norm as in HF <c>LlamaRMSNorm</c>: the statistic is computed in float32 and the result cast
/// back to the input dtype before the (input-dtype) weight multiplies it, so bf16 runs match HF rounding.
/// </summary>
public sealed class LlamaRMSNorm : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private readonly double _eps;

    public LlamaRMSNorm(long hidden, double eps, Device? device = null, ScalarType? dtype = null) : base("LlamaRMSNorm")
    {
        weight = new Parameter(ones(hidden, dtype: dtype, device: device), requires_grad: false);
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The scale vector [H]; setting it replaces the registered parameter (used by the loader).</summary>
    public Parameter Weight
    {
        get => weight;
        set
        {
            weight.Dispose();
            weight = value;
            ConditionallyRegisterParameter(nameof(weight), value);
        }
    }

    // x: [..., H] -> [..., H]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inputDtype = x.dtype;
        var x32 = x.to_type(ScalarType.Float32);
        var variance = x32.square().mean([-1], keepdim: true);
        var normed = (x32 * (variance + _eps).rsqrt()).to_type(inputDtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}
