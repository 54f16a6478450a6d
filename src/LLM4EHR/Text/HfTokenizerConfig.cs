using System.Text.Json;

namespace LLM4EHR.Text;

/// <summary>
/// The settings of a Hugging Face tokenizer folder that change its ids: <c>tokenizer_config.json</c> (flags such as
/// <c>do_lower_case</c>, and special tokens, either strings or <c>{"content": …}</c> objects) with
/// <c>special_tokens_map.json</c> filling special tokens it lacks. Both files are optional.
/// </summary>
public sealed class HfTokenizerConfig
{
    public const string FileName = "tokenizer_config.json";
    public const string SpecialTokensFileName = "special_tokens_map.json";

    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    private HfTokenizerConfig(string dir)
    {
        // special_tokens_map.json first, so tokenizer_config.json wins where both name a token.
        foreach (var name in new[] { SpecialTokensFileName, FileName })
        {
            string path = Path.Combine(dir, name);
            if (!File.Exists(path))
                continue;
            Files.Add(path);
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new BadInputException($"{path}: expected a JSON object");
                foreach (var p in doc.RootElement.EnumerateObject())
                    _values[p.Name] = p.Value.Clone();
            }
            catch (JsonException e)
            {
                throw new BadInputException($"{path}: not valid JSON: {e.Message}", e);
            }
            catch (IOException e)
            {
                throw new BadInputException($"{path}: cannot read: {e.Message}", e);
            }
        }
    }

    /// <summary>Reads the folder's tokenizer settings (none present = every default).</summary>
    public static HfTokenizerConfig Read(string dir) => new(dir);

    /// <summary>The files read (absolute paths), for provenance and identity.</summary>
    public List<string> Files { get; } = [];

    /// <summary>A boolean flag; a missing or null value is <paramref name="fallback"/>.</summary>
    public bool? Flag(string key, bool? fallback)
    {
        if (!_values.TryGetValue(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new BadInputException($"{Where}: {key}: expected true, false or null, got {v.GetRawText()}"),
        };
    }

    /// <summary>A special token's text (<c>"[CLS]"</c> or <c>{"content": "[CLS]", …}</c>), else <paramref name="fallback"/>.</summary>
    public string Token(string key, string fallback)
    {
        if (!_values.TryGetValue(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return fallback;
        if (v.ValueKind == JsonValueKind.String)
            return v.GetString()!;
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            return c.GetString()!;
        throw new BadInputException($"{Where}: {key}: expected a token string or {{\"content\": …}}, got {v.GetRawText()}");
    }

    private string Where => Files.Count > 0 ? string.Join(" / ", Files) : FileName;
}
