using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLM4EHR.Models;

/// <summary>
/// Typed access to the keys of a Hugging Face <c>config.json</c> object, each problem a one-line
/// <see cref="BadInputException"/> naming the file and the key (with <paramref name="prefix"/> for nested objects).
/// Shared by the Llama and encoder configs.
/// </summary>
internal sealed class JsonConfigReader(JsonObject obj, string source, string prefix = "")
{
    /// <summary>Parses the JSON text of a config file into its root object.</summary>
    public static JsonObject ParseObject(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new BadInputException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
    }

    public JsonNode? Get(string key) => obj.TryGetPropertyValue(key, out var v) ? v : null;

    public BadInputException Bad(string key, string what) => new($"{source}: {prefix}{key}: {what}");

    public int Int(string key) => OptionalInt(key) ?? throw Bad(key, "missing");
    public int PositiveInt(string key) => Int(key) is var v && v > 0 ? v : throw Bad(key, $"must be positive, got {v}");
    public double Double(string key) => OptionalDouble(key) ?? throw Bad(key, "missing");

    public int? OptionalInt(string key) => Get(key) is { } v ? AsInt(v, key) : null;

    public double? OptionalDouble(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        if (v is JsonValue jv && jv.TryGetValue<double>(out double d))
            return d;
        if (v is JsonValue js && js.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
            return d;
        throw Bad(key, $"expected a number, got {v.ToJsonString()}");
    }

    public bool? OptionalBool(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        return v is JsonValue jv && jv.TryGetValue<bool>(out bool b) ? b : throw Bad(key, $"expected true/false, got {v.ToJsonString()}");
    }

    public string? OptionalString(string key)
    {
        var v = Get(key);
        if (v is null) return null;
        return v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : throw Bad(key, $"expected a string, got {v.ToJsonString()}");
    }

    /// <summary>An integer or a list of integers (e.g. Longformer's <c>attention_window</c>), as a list; null when absent.</summary>
    public IReadOnlyList<int>? OptionalIntOrList(string key) => Get(key) switch
    {
        null => null,
        JsonArray a => a.Select(e => e is null ? throw Bad(key, "expected integers, got null") : AsInt(e, key)).ToList(),
        var v => [AsInt(v, key)],
    };

    private int AsInt(JsonNode v, string key)
    {
        if (v is JsonValue jv && jv.TryGetValue<long>(out long l) && l is >= int.MinValue and <= int.MaxValue)
            return (int)l;
        if (v is JsonValue jd && jd.TryGetValue<double>(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
            return (int)d;
        throw Bad(key, $"expected an integer, got {v.ToJsonString()}");
    }
}
