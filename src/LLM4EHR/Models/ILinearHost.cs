using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>
/// A model whose linear projections can be looked up and swapped by their Hugging Face module name
/// (e.g. <c>model.layers.0.self_attn.q_proj</c>). LoRA injection and NF4 quantization work through this,
/// so neither needs to know the model's class layout.
/// </summary>
public interface ILinearHost
{
    /// <summary>HF module names of every swappable linear, in model order.</summary>
    IReadOnlyList<string> LinearNames { get; }

    /// <summary>The module currently at that name (a plain Linear, an NF4 linear, a LoRA wrapper, …).</summary>
    Module<Tensor, Tensor> GetLinear(string name);

    /// <summary>Puts a module at that name; the old one is no longer used by forward (caller disposes it if needed).</summary>
    void SetLinear(string name, Module<Tensor, Tensor> module);
}
