using LLM4EHR.Models.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// Wraps the target linears of a model in <see cref="LoraLinear"/> adapters, found by the last segment of their
/// HF module name (peft's matching for a list of names). The wrapped bases are frozen.
/// </summary>
public static class LoraInjector
{
    public static LoraAdapterSet Inject(ILinearHost host, LoraSettings settings)
    {
        settings.Validate();
        var names = host.LinearNames.Where(n => settings.Targets.Contains(Nf4Options.LastSegment(n))).ToList();
        if (names.Count == 0)
            throw new BadInputException($"lora settings: targets: [{string.Join(", ", settings.Targets)}] match no linear of the model");
        // One generator walked in model order: the same seed and model give the same adapters every time.
        using var generator = new Generator((ulong)settings.Seed, CPU);
        var adapters = new List<(string, LoraLinear)>();
        foreach (var name in names)
        {
            var baseLayer = host.GetLinear(name);
            if (baseLayer is LoraLinear)
                throw new InvalidOperationException($"LoRA: '{name}' already has an adapter");
            var (inFeatures, outFeatures) = Features(name, baseLayer);
            var adapter = new LoraLinear(baseLayer, inFeatures, outFeatures, settings.R, settings.Alpha, settings.Dropout, generator);
            var device = DeviceOf(baseLayer);
            if (device is not null && device.type != DeviceType.CPU)
                adapter.to(device);
            host.SetLinear(name, adapter);
            adapters.Add((name, adapter));
        }
        return new LoraAdapterSet(settings, adapters);
    }

    /// <summary>(in, out) features of a plain Linear or an <see cref="Nf4Linear"/>.</summary>
    public static (long In, long Out) Features(string name, Module<Tensor, Tensor> layer) => layer switch
    {
        Linear lin => (lin.weight!.shape[1], lin.weight.shape[0]),
        Nf4Linear q => (q.InFeatures, q.OutFeatures),
        _ => throw new InvalidOperationException($"LoRA: '{name}' is a {layer.GetType().Name}; expected Linear or Nf4Linear"),
    };

    private static Device? DeviceOf(Module module) =>
        module.parameters().Select(p => p.device).Concat(module.buffers().Select(b => b.device)).FirstOrDefault();
}
