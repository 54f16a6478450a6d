using TorchSharp.Modules;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// The LoRA adapters injected into one model, by HF module name, in model order. Parameter names are stable
/// (<c>lora.model.layers.0.self_attn.q_proj.lora_A.weight</c>) so checkpoints and optimizer state line up.
/// </summary>
public sealed class LoraAdapterSet
{
    public LoraAdapterSet(LoraSettings settings, IReadOnlyList<(string ModuleName, LoraLinear Adapter)> adapters)
    {
        Settings = settings;
        Adapters = adapters;
    }

    public LoraSettings Settings { get; }
    public IReadOnlyList<(string ModuleName, LoraLinear Adapter)> Adapters { get; }

    /// <summary>A and B of every adapter as ("lora.{module}.lora_A.weight", A), ("lora.{module}.lora_B.weight", B).</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        Adapters.SelectMany(a => new[]
        {
            ($"lora.{a.ModuleName}.lora_A.weight", a.Adapter.WeightA),
            ($"lora.{a.ModuleName}.lora_B.weight", a.Adapter.WeightB),
        }).ToList();

    /// <summary>Training mode turns adapter dropout on; eval turns it off.</summary>
    public void SetTrainingMode(bool training)
    {
        foreach (var (_, adapter) in Adapters)
            adapter.train(training);
    }

    /// <summary>
    /// Replaces every adapter in <paramref name="host"/> by its merged plain Linear (W + scale·B·A) for inference.
    /// Plain-Linear bases only (see <see cref="LoraLinear.Merge"/>); the adapters are disposed.
    /// </summary>
    public void MergeInto(ILinearHost host)
    {
        foreach (var (name, adapter) in Adapters)
        {
            if (!ReferenceEquals(host.GetLinear(name), adapter))
                throw new InvalidOperationException($"LoRA merge: '{name}' no longer holds its adapter");
            host.SetLinear(name, adapter.Merge());
            adapter.Dispose();
        }
    }
}
