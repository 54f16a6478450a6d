using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// One block of <see cref="TinyHostModel"/>: a gated token-wise mixer over q/k/v/o projections and a SwiGLU MLP
/// (gate/up/down), each with a residual — the seven Llama projection names, without attention's bookkeeping.
/// Projections live in a name → module map registered as submodules, so they can be swapped at run time.
/// </summary>
internal sealed class TinyBlock : Module<Tensor, Tensor>
{
    public static readonly string[] AttentionNames = ["q_proj", "k_proj", "v_proj", "o_proj"];
    public static readonly string[] MlpNames = ["gate_proj", "up_proj", "down_proj"];

    private readonly Dictionary<string, Module<Tensor, Tensor>> _proj = new(StringComparer.Ordinal);

    public TinyBlock(long hidden, long intermediate) : base(nameof(TinyBlock))
    {
        foreach (var n in AttentionNames)
            Set(n, Linear(hidden, hidden, hasBias: n == "o_proj")); // one biased linear to exercise bias paths
        Set("gate_proj", Linear(hidden, intermediate, hasBias: false));
        Set("up_proj", Linear(hidden, intermediate, hasBias: false));
        Set("down_proj", Linear(intermediate, hidden, hasBias: false));
    }

    public Module<Tensor, Tensor> Get(string name) => _proj[name];

    public void Set(string name, Module<Tensor, Tensor> module)
    {
        _proj[name] = module;
        // register_module refuses a taken name; drop the old registration so parameters() follows the swap.
        if (_internal_submodules.ContainsKey(name)) _internal_submodules.Remove(name);
        register_module(name, module);
    }

    public override Tensor forward(Tensor x)
    {
        // x: [B, T, H]
        using var scope = NewDisposeScope();
        var gate = functional.sigmoid(_proj["q_proj"].forward(x) * _proj["k_proj"].forward(x)); // [B, T, H]
        x = x + _proj["o_proj"].forward(gate * _proj["v_proj"].forward(x));
        var inner = functional.silu(_proj["gate_proj"].forward(x)) * _proj["up_proj"].forward(x); // [B, T, I]
        x = x + _proj["down_proj"].forward(inner);
        return x.MoveToOuterDisposeScope();
    }
}
