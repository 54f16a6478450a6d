using static TorchSharp.torch;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// A LoRA adapter read from (or about to be written in) peft's format: its settings, the peft task type and base
/// model, and A [r, in] / B [out, r] per HF module name. Owns its tensors.
/// </summary>
public sealed class PeftAdapter : IDisposable
{
    public PeftAdapter(LoraSettings settings, string taskType, string? baseModelNameOrPath,
        IReadOnlyDictionary<string, (Tensor A, Tensor B)> weights)
    {
        Settings = settings;
        TaskType = taskType;
        BaseModelNameOrPath = baseModelNameOrPath;
        Weights = weights;
    }

    public LoraSettings Settings { get; }
    public string TaskType { get; }
    public string? BaseModelNameOrPath { get; }
    /// <summary>HF module name (<c>model.layers.0.self_attn.q_proj</c>) → (A, B).</summary>
    public IReadOnlyDictionary<string, (Tensor A, Tensor B)> Weights { get; }

    /// <summary>A copy of an injected adapter set's current weights (CPU, f32).</summary>
    public static PeftAdapter FromAdapters(LoraAdapterSet adapters, string taskType, string? baseModelNameOrPath)
    {
        var weights = adapters.Adapters.ToDictionary(a => a.ModuleName,
            a => (a.Adapter.WeightA.detach().cpu().to_type(ScalarType.Float32).clone(),
                  a.Adapter.WeightB.detach().cpu().to_type(ScalarType.Float32).clone()), StringComparer.Ordinal);
        return new PeftAdapter(adapters.Settings, taskType, baseModelNameOrPath, weights);
    }

    /// <summary>
    /// Copies these weights into injected adapters. The module sets, ranks and scales must match exactly
    /// (one-line <see cref="BadInputException"/> otherwise).
    /// </summary>
    public void CopyInto(LoraAdapterSet adapters, string source = "adapter")
    {
        if (adapters.Settings.R != Settings.R || adapters.Settings.Alpha != Settings.Alpha)
            throw new BadInputException($"{source}: r/lora_alpha {Settings.R}/{Settings.Alpha} but the model's adapters are {adapters.Settings.R}/{adapters.Settings.Alpha}");
        var ours = adapters.Adapters.Select(a => a.ModuleName).ToHashSet(StringComparer.Ordinal);
        var missing = ours.Except(Weights.Keys).Order().ToList();
        var extra = Weights.Keys.Except(ours).Order().ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new BadInputException($"{source}: adapted modules differ from the model's (missing: [{string.Join(", ", missing)}], unexpected: [{string.Join(", ", extra)}])");
        using var noGrad = no_grad();
        foreach (var (name, layer) in adapters.Adapters)
        {
            var (a, b) = Weights[name];
            if (!a.shape.SequenceEqual(layer.WeightA.shape) || !b.shape.SequenceEqual(layer.WeightB.shape))
                throw new BadInputException($"{source}: {name}: lora_A/lora_B [{string.Join(',', a.shape)}]/[{string.Join(',', b.shape)}], model expects [{string.Join(',', layer.WeightA.shape)}]/[{string.Join(',', layer.WeightB.shape)}]");
            layer.WeightA.copy_(a);
            layer.WeightB.copy_(b);
        }
    }

    public void Dispose()
    {
        foreach (var (a, b) in Weights.Values)
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
