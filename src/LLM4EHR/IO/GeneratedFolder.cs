using System.Text.Json;

namespace LLM4EHR.IO;

/// <summary>
/// A folder the tool fills with files it generates (the synthetic demo cohort, a random model). Generated files may
/// only go where they cannot destroy anything of the user's: a folder that does not exist yet, an empty one, or one
/// that already carries this tool's marker file (<see cref="MarkerName"/>) for the same kind of content. Anything
/// else (a mistyped path to real data, a half-copied MIMIC folder) is refused, naming the folder and what is in it.
/// The marker also tells later readers that the folder's content is synthetic.
/// </summary>
public static class GeneratedFolder
{
    public const string MarkerName = ".llm4ehr-generated.json";

    /// <summary>Kinds of generated content (the marker's <c>kind</c>).</summary>
    public const string SyntheticCohort = "synthetic-p2x-cohort", RandomModel = "random-llama", RandomEncoder = "random-encoder";

    /// <summary>Throws unless generated files of <paramref name="kind"/> may be written into <paramref name="dir"/>.</summary>
    public static void RequireWritable(string dir, string kind, string purpose)
    {
        if (!Directory.Exists(dir))
        {
            if (File.Exists(dir))
                throw new BadInputException($"{dir}: is a file; cannot write {purpose} there");
            return;
        }
        string? marked = KindOf(dir);
        if (marked == kind)
            return;
        var entries = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
            return;
        string listed = string.Join(", ", entries.Take(6)) + (entries.Count > 6 ? $", … ({entries.Count} entries)" : "");
        string why = marked is null ? "it is not empty and was not written by llm4ehr" : $"it holds llm4ehr's {marked}, not {kind}";
        throw new BadInputException($"{dir}: refusing to write {purpose}: {why} (found: {listed}); " +
                                    "point the config at an empty or new folder");
    }

    /// <summary>Creates <paramref name="dir"/> if needed and writes the marker (after <see cref="RequireWritable"/>).</summary>
    public static void Claim(string dir, string kind)
    {
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, MarkerName),
            JsonSerializer.Serialize(new Dictionary<string, string> { ["kind"] = kind, ["written_by"] = "llm4ehr" }) + "\n");
    }

    /// <summary>The generated kind recorded in <paramref name="dir"/>'s marker, or null when there is no readable marker.</summary>
    public static string? KindOf(string dir)
    {
        string marker = Path.Combine(dir, MarkerName);
        if (!File.Exists(marker))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(marker));
            return doc.RootElement.TryGetProperty("kind", out var k) ? k.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="dataRoot"/> holds a cohort this tool generated (its metrics are not MIMIC's).</summary>
    public static bool IsSyntheticCohort(string dataRoot) => KindOf(dataRoot) == SyntheticCohort;
}
