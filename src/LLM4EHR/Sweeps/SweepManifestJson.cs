using System.Text.Json;
using System.Text.Json.Serialization;

namespace LLM4EHR.Sweeps;

/// <summary>sweep.json text: snake_case keys, statuses as lower-case words, times as ISO 8601, indented.</summary>
public static class SweepManifestJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter<SweepRunStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize(SweepManifest manifest) => JsonSerializer.Serialize(manifest, Options) + "\n";

    /// <summary>Parses sweep.json; anything malformed is a <see cref="BadInputException"/> naming <paramref name="path"/>.</summary>
    public static SweepManifest Deserialize(string json, string path)
    {
        SweepManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<SweepManifest>(json, Options);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not a sweep manifest: {e.Message.Split('\n')[0]}", e);
        }
        if (manifest is null)
            throw new BadInputException($"{path}: not a sweep manifest (null)");
        if (manifest.Format != SweepManifest.CurrentFormat)
            throw new BadInputException($"{path}: format '{manifest.Format}' is not {SweepManifest.CurrentFormat}");
        for (int i = 0; i < manifest.Runs.Count; i++)
            if (manifest.Runs[i].Index != i)
                throw new BadInputException($"{path}: runs[{i}]: index {manifest.Runs[i].Index} (expected {i})");
        return manifest;
    }
}
