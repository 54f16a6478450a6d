using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden, A attention (query) heads, G key/value heads,
// D head dim (H / A), I MLP width, V vocabulary, K labels.

namespace LLM4EHR.Models.Llama;

/// <summary>SwiGLU feed-forward (HF <c>LlamaMLP</c>): down(silu(gate(x)) * up(x)).</summary>
public sealed class LlamaMLP : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] internal nn.Module<Tensor, Tensor> GateProj;
    [ComponentName(Name = "up_proj")] internal nn.Module<Tensor, Tensor> UpProj;
    [ComponentName(Name = "down_proj")] internal nn.Module<Tensor, Tensor> DownProj;

    public LlamaMLP(LlamaConfig c, Device device, ScalarType dtype) : base("LlamaMLP")
    {
        GateProj = nn.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias, device, dtype);
        UpProj = nn.Linear(c.HiddenSize, c.IntermediateSize, c.MlpBias, device, dtype);
        DownProj = nn.Linear(c.IntermediateSize, c.HiddenSize, c.MlpBias, device, dtype);
        RegisterComponents();
    }

    // x: [B, T, H] -> [B, T, H]
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = F.silu(GateProj.call(x)) * UpProj.call(x); // [B, T, I]
        return DownProj.call(gated).MoveToOuterDisposeScope();
    }
}
