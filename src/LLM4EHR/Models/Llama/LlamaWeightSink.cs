using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// Puts checkpoint tensors into a meta-initialised <see cref="LlamaModel"/> one at a time, replacing each meta
/// parameter by the real tensor (no copy, no second allocation). Linear weights go through the optional
/// <see cref="LinearFactory"/>. Loaded parameters are frozen (requires_grad false).
/// </summary>
internal sealed class LlamaWeightSink
{
    private readonly LlamaModel _model;
    private readonly LinearFactory? _factory;
    private readonly Dictionary<string, (nn.Module Owner, string OwnerName, string Leaf, long[] Shape)> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _linearNames;
    private readonly Dictionary<string, (Tensor? Weight, Tensor? Bias)> _pendingLinears = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    public LlamaWeightSink(LlamaModel model, LinearFactory? factory)
    {
        _model = model;
        _factory = factory;
        _linearNames = model.LinearNames.ToHashSet(StringComparer.Ordinal);
        foreach (var (ownerName, owner) in model.named_modules())
            foreach (var (leaf, p) in owner.named_parameters(recurse: false))
                _slots[ownerName.Length == 0 ? leaf : $"{ownerName}.{leaf}"] = (owner, ownerName, leaf, p.shape);
    }

    /// <summary>The parameter keys the model expects, with their shapes.</summary>
    public IReadOnlyDictionary<string, long[]> Expected => _slots.ToDictionary(kv => kv.Key, kv => kv.Value.Shape);

    /// <summary>Takes ownership of <paramref name="value"/> (already in the compute dtype and on the compute device).</summary>
    public void Accept(string key, Tensor value, string source)
    {
        if (!_slots.TryGetValue(key, out var slot))
            throw new BadInputException($"{source}: unexpected tensor '{key}'");
        if (!value.shape.SequenceEqual(slot.Shape))
            throw new BadInputException($"{source}: '{key}' has shape [{string.Join(',', value.shape)}], config.json implies [{string.Join(',', slot.Shape)}]");
        if (!_done.Add(key))
            throw new BadInputException($"{source}: tensor '{key}' appears twice");

        if (_linearNames.Contains(slot.OwnerName))
        {
            var linear = (Linear)slot.Owner;
            var pending = _pendingLinears.GetValueOrDefault(slot.OwnerName);
            pending = slot.Leaf == "weight" ? pending with { Weight = value } : pending with { Bias = value };
            bool complete = pending.Weight is not null && (linear.bias is null || pending.Bias is not null);
            if (!complete)
            {
                _pendingLinears[slot.OwnerName] = pending;
                return;
            }
            _pendingLinears.Remove(slot.OwnerName);
            PlaceLinear(slot.OwnerName, linear, pending.Weight!, pending.Bias);
            return;
        }
        var parameter = new Parameter(value, requires_grad: false);
        switch (slot.Owner)
        {
            case Embedding e: e.weight = parameter; break;
            case LlamaRMSNorm n: n.Weight = parameter; break;
            default: throw new InvalidOperationException($"no rule to place '{key}' in {slot.Owner.GetType().Name}");
        }
    }

    private void PlaceLinear(string name, Linear linear, Tensor weight, Tensor? bias)
    {
        var replacement = _factory?.Invoke(name, weight, bias);
        if (replacement is not null)
        {
            weight.Dispose();
            bias?.Dispose();
            _model.SetLinear(name, replacement);
            linear.Dispose(); // only meta tensors
            return;
        }
        linear.weight = new Parameter(weight, requires_grad: false);
        if (bias is not null)
            linear.bias = new Parameter(bias, requires_grad: false);
    }

    /// <summary>Keys the model expects that never arrived (empty when complete).</summary>
    public IReadOnlyList<string> Missing() => _slots.Keys.Where(k => !_done.Contains(k)).ToList();
}
