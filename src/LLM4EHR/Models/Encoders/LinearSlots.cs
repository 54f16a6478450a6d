using TorchSharp;
using static TorchSharp.torch;

// Shape key (README, "Shape key"): B batch, T tokens, H hidden.

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// The named linears of one encoder module (e.g. <c>query</c>, <c>key</c>, <c>value</c> of a self-attention), kept so
/// that a LoRA wrapper can take a linear's place: swapping one replaces both what forward calls and the registered
/// submodule, so <c>parameters()</c> and <c>state_dict()</c> see the new module.
/// </summary>
public sealed class LinearSlots
{
    private readonly nn.Module _owner;
    private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _modules = new(StringComparer.Ordinal);

    public LinearSlots(nn.Module owner) => _owner = owner;

    /// <summary>Slot names, in the order they were added.</summary>
    public IReadOnlyList<string> Names => _names;
    private readonly List<string> _names = [];

    /// <summary>Adds a plain linear [in → out] under <paramref name="name"/> and registers it with the owner.</summary>
    public void Add(string name, long inFeatures, long outFeatures, bool bias, ScalarType dtype)
    {
        var linear = nn.Linear(inFeatures, outFeatures, bias, dtype: dtype);
        _modules.Add(name, linear);
        _names.Add(name);
        _owner.register_module(name, linear);
    }

    /// <summary>The module now in the slot (a Linear, a LoRA wrapper, …).</summary>
    public nn.Module<Tensor, Tensor> this[string name] => _modules[name];

    /// <summary>x [..., in] → [..., out] through the slot's module.</summary>
    public Tensor Call(string name, Tensor x) => _modules[name].call(x);

    public bool Contains(string name) => _modules.ContainsKey(name);

    /// <summary>Puts <paramref name="module"/> in the slot (the caller disposes the old one if it must).</summary>
    public void Replace(string name, nn.Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!_modules.ContainsKey(name))
            throw new ArgumentException($"no linear '{name}' here");
        _modules[name] = module;
        // register_module(name, null) unregisters; then the new module takes the name.
        _owner.register_module(name, null!);
        _owner.register_module(name, module);
        module.train(_owner.training);
    }
}
