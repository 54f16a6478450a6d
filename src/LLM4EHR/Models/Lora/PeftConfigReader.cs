using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// Validates a peft <c>adapter_config.json</c> and turns it into <see cref="LoraSettings"/>. Anything that would
/// change the adapter's math in peft but that we do not implement (DoRA, rsLoRA, per-module ranks, trained biases,
/// fan-in/fan-out storage, regex targets) is refused with the field named, rather than silently loaded wrong.
/// </summary>
internal static class PeftConfigReader
{
    public static (LoraSettings Settings, string TaskType, string? BaseModel) Read(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new BadInputException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: invalid JSON: {e.Message.Split('\n')[0]}");
        }

        string peftType = String(root, "peft_type", path);
        if (peftType != "LORA")
            throw new BadInputException($"{path}: peft_type: expected \"LORA\", got \"{peftType}\"");
        int r = (int)Number(root, "r", path);
        double alpha = Number(root, "lora_alpha", path);
        double dropout = root["lora_dropout"] is null ? 0 : Number(root, "lora_dropout", path);
        if (root["target_modules"] is not JsonArray targetsNode)
            throw new BadInputException($"{path}: target_modules: expected a list of module names (regex strings are not supported)");
        var targets = targetsNode.Select(t => t?.GetValueKind() == JsonValueKind.String ? t.GetValue<string>()
            : throw new BadInputException($"{path}: target_modules: entries must be strings")).ToList();

        RequireValue(root, "bias", "none", path);
        RequireFalse(root, "fan_in_fan_out", path);
        RequireFalse(root, "use_dora", path);
        RequireFalse(root, "use_rslora", path);
        RequireFalse(root, "lora_bias", path);
        RequireEmpty(root, "rank_pattern", path);
        RequireEmpty(root, "alpha_pattern", path);
        RequireEmpty(root, "layers_to_transform", path);

        var settings = new LoraSettings { R = r, Alpha = alpha, Dropout = dropout, Targets = targets };
        settings.Validate(path);
        string taskType = root["task_type"]?.GetValueKind() == JsonValueKind.String ? root["task_type"]!.GetValue<string>() : "";
        string? baseModel = root["base_model_name_or_path"]?.GetValueKind() == JsonValueKind.String
            ? root["base_model_name_or_path"]!.GetValue<string>() : null;
        return (settings, taskType, baseModel);
    }

    private static string String(JsonObject o, string field, string path) =>
        o[field]?.GetValueKind() == JsonValueKind.String ? o[field]!.GetValue<string>()
        : throw new BadInputException($"{path}: {field}: missing or not a string");

    private static double Number(JsonObject o, string field, string path) =>
        o[field]?.GetValueKind() == JsonValueKind.Number ? o[field]!.GetValue<double>()
        : throw new BadInputException($"{path}: {field}: missing or not a number");

    private static void RequireValue(JsonObject o, string field, string expected, string path)
    {
        if (o[field] is { } v && (v.GetValueKind() != JsonValueKind.String || v.GetValue<string>() != expected))
            throw new BadInputException($"{path}: {field}: only \"{expected}\" is supported, got {v.ToJsonString()}");
    }

    private static void RequireFalse(JsonObject o, string field, string path)
    {
        if (o[field] is { } v && v.GetValueKind() != JsonValueKind.False)
            throw new BadInputException($"{path}: {field}: only false is supported, got {v.ToJsonString()}");
    }

    private static void RequireEmpty(JsonObject o, string field, string path)
    {
        var v = o[field];
        bool empty = v is null || (v is JsonObject obj && obj.Count == 0) || (v is JsonArray arr && arr.Count == 0);
        if (!empty)
            throw new BadInputException($"{path}: {field}: not supported (got {v!.ToJsonString()})");
    }
}
