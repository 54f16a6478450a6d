using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models.Lora;
using LLM4EHR.SafeTensors;
using LLM4EHR.Training;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// Exports a trained run's LoRA adapters in peft's format (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>)
/// so a Python user can load them onto the same base with <c>PeftModel.from_pretrained</c>. The pooled classification
/// head is not a peft module; it is written beside them as <c>classifier_head.safetensors</c> (<c>weight</c> [K,H],
/// <c>bias</c> [K]). Reads the run's best checkpoint directly: the (possibly 8B) base is never loaded.
/// </summary>
public static class RunAdapterExport
{
    public const string HeadFile = "classifier_head.safetensors";
    private const string Prefix = "lora.", SuffixA = ".lora_A.weight", SuffixB = ".lora_B.weight";

    /// <summary>Writes the export into <paramref name="outDir"/>; returns the adapted module names.</summary>
    public static IReadOnlyList<string> Export(string runDir, string outDir)
    {
        runDir = Path.GetFullPath(runDir);
        string configPath = RunLayout.Config(runDir), best = RunLayout.BestWeights(runDir);
        if (!File.Exists(configPath) || !File.Exists(best))
            throw new BadInputException($"{runDir}: not a trained run (needs config.yaml and {Path.GetRelativePath(runDir, best)})");
        var config = ExperimentConfigLoader.Load(configPath);
        if (config.Model.Type != ModelType.Llama)
            throw new BadInputException($"{configPath}: model.type: {config.Model.Type.Word()}: only a llama run's adapters and head map onto peft's sequence classifier");
        if (!config.Lora.Enabled)
            throw new BadInputException($"{configPath}: lora.enabled is false: this run trained the head only, there are no adapters to export");

        using var scope = NewDisposeScope();
        using var file = SafeTensorsFile.Open(best);
        var modules = file.Tensors.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && k.EndsWith(SuffixA, StringComparison.Ordinal))
            .Select(k => k[Prefix.Length..^SuffixA.Length]).Order(StringComparer.Ordinal).ToList();
        if (modules.Count == 0)
            throw new BadInputException($"{best}: no LoRA tensors (lora.<module>.lora_A.weight) in the checkpoint");
        var weights = modules.ToDictionary(m => m,
            m => (file.Load(Prefix + m + SuffixA, ScalarType.Float32), file.Load(Prefix + m + SuffixB, ScalarType.Float32)),
            StringComparer.Ordinal);
        var settings = config.Lora.ToAdapterSettings(config.Training.Seed)!;
        // peft's key prefix base_model.model.model.layers… is the causal-LM layout of the HF checkpoint we adapted.
        using var adapter = new PeftAdapter(settings, "CAUSAL_LM", config.Model.Path, weights);
        PeftAdapterFormat.Export(adapter, outDir);

        var head = new Dictionary<string, Tensor> { ["weight"] = file.Load("head.weight"), ["bias"] = file.Load("head.bias") };
        SafeTensorsWriter.Write(Path.Combine(outDir, HeadFile), head,
            new Dictionary<string, string> { ["task"] = config.Task.Id(), ["pooling"] = "masked_mean" });
        return modules;
    }
}
