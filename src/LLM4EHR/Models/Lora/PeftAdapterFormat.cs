using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LLM4EHR.IO;
using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// Reads and writes LoRA adapters as peft does (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, keys
/// <c>base_model.model.{module}.lora_A.weight</c> / <c>lora_B.weight</c>), so a Python user can load our adapters
/// with <c>PeftModel.from_pretrained</c> and we can load theirs. The default task type is CAUSAL_LM: its key
/// prefix (<c>base_model.model.model.layers…</c>) is the one that matches a Llama checkpoint's module names; our
/// pooled head is not a peft module and is not part of the export.
/// </summary>
public static partial class PeftAdapterFormat
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";
    private const string KeyPrefix = "base_model.model.";

    [GeneratedRegex(@"^base_model\.model\.(?<module>.+)\.lora_(?<ab>[AB])\.weight$")]
    private static partial Regex KeyPattern();

    public static void Export(PeftAdapter adapter, string dir)
    {
        Directory.CreateDirectory(dir);
        var s = adapter.Settings;
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = adapter.TaskType,
            ["base_model_name_or_path"] = adapter.BaseModelNameOrPath,
            ["r"] = s.R,
            // peft writes lora_alpha as an int when it is one; keep that so configs diff cleanly.
            ["lora_alpha"] = s.Alpha == Math.Floor(s.Alpha) ? JsonValue.Create((long)s.Alpha) : JsonValue.Create(s.Alpha),
            ["lora_dropout"] = s.Dropout,
            ["target_modules"] = new JsonArray(s.Targets.Order(StringComparer.Ordinal).Select(t => (JsonNode)t!).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["use_rslora"] = false,
            ["use_dora"] = false,
            ["revision"] = null,
        };
        var tensors = adapter.Weights.OrderBy(w => w.Key, StringComparer.Ordinal).SelectMany(w => new[]
        {
            KeyValuePair.Create($"{KeyPrefix}{w.Key}.lora_A.weight", w.Value.A),
            KeyValuePair.Create($"{KeyPrefix}{w.Key}.lora_B.weight", w.Value.B),
        });
        SafeTensorsWriter.Write(Path.Combine(dir, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads and validates a peft LoRA folder (config, keys, shapes); errors name the file and field.</summary>
    public static PeftAdapter Import(string dir)
    {
        string configPath = Path.Combine(dir, ConfigFile);
        string weightsPath = Path.Combine(dir, WeightsFile);
        if (!File.Exists(configPath))
            throw new BadInputException($"{configPath}: not found (expected a peft adapter folder)");
        if (!File.Exists(weightsPath))
            throw new BadInputException($"{weightsPath}: not found (only safetensors adapters are supported, not adapter_model.bin)");
        var (settings, taskType, baseModel) = PeftConfigReader.Read(configPath);

        using var file = SafeTensorsFile.Open(weightsPath);
        var parts = new Dictionary<string, Tensor?[]>(StringComparer.Ordinal);
        var weights = new Dictionary<string, (Tensor A, Tensor B)>(StringComparer.Ordinal);
        try
        {
            foreach (var key in file.Tensors.Keys.Order(StringComparer.Ordinal))
            {
                var m = KeyPattern().Match(key);
                if (!m.Success)
                    throw new BadInputException($"{weightsPath}: '{key}': not a LoRA key (expected base_model.model.<module>.lora_A.weight / lora_B.weight)");
                string module = m.Groups["module"].Value;
                string target = module[(module.LastIndexOf('.') + 1)..];
                if (!settings.Targets.Contains(target))
                    throw new BadInputException($"{weightsPath}: '{key}': module '{target}' is not in target_modules [{string.Join(", ", settings.Targets)}]");
                var info = file.Info(key);
                bool isA = m.Groups["ab"].Value == "A";
                if (info.Shape.Length != 2 || (isA ? info.Shape[0] : info.Shape[1]) != settings.R)
                    throw new BadInputException($"{weightsPath}: '{key}': shape [{string.Join(',', info.Shape)}] does not fit r={settings.R} (lora_A [r, in], lora_B [out, r])");
                var slot = parts.TryGetValue(module, out var s) ? s : parts[module] = new Tensor?[2];
                slot[isA ? 0 : 1] = file.Load(key, ScalarType.Float32);
            }
            foreach (var (module, slot) in parts)
            {
                if (slot[0] is null || slot[1] is null)
                    throw new BadInputException($"{weightsPath}: {module}: has lora_{(slot[0] is null ? "B" : "A")} but no lora_{(slot[0] is null ? "A" : "B")}");
                weights[module] = (slot[0]!, slot[1]!);
            }
            if (weights.Count == 0)
                throw new BadInputException($"{weightsPath}: no LoRA tensors");
        }
        catch
        {
            foreach (var slot in parts.Values)
                foreach (var t in slot) t?.Dispose();
            throw;
        }
        return new PeftAdapter(settings, taskType, baseModel, weights);
    }
}
