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

    /// <summary>
    /// Generates content of <paramref name="kind"/> into <paramref name="dir"/> with <paramref name="write"/>: refuses a
    /// folder of the user's (<see cref="RequireWritable"/>), marks the folder, writes, then records
    /// <paramref name="recipe"/> in the marker. The recipe is recorded only after a complete write, so an interrupted
    /// one leaves a folder <see cref="IsCurrent"/> rejects and the next run writes it again.
    /// </summary>
    public static void Write(string dir, string kind, string purpose, string recipe, Action write)
    {
        RequireWritable(dir, kind, purpose);
        Claim(dir, kind, recipe: null);
        write();
        Claim(dir, kind, recipe);
    }

    /// <summary>
    /// True unless <paramref name="dir"/> is this tool's <paramref name="kind"/> generated from a recipe other than
    /// <paramref name="recipe"/> (another generator version, other demo settings, or none recorded): such content is
    /// stale and is written again rather than silently reused. A folder without the marker is the user's: current.
    /// </summary>
    public static bool IsCurrent(string dir, string kind, string recipe) =>
        ReadMarker(dir) is not { } marker || marker.GetValueOrDefault("kind") != kind || marker.GetValueOrDefault("recipe") == recipe;

    /// <summary>
    /// A recipe string: <paramref name="generator"/>, its <paramref name="version"/> (bumped when the same options
    /// give different content) and the options as JSON (invariant, so equal options give equal recipes).
    /// </summary>
    public static string Recipe(string generator, int version, object options) =>
        $"{generator} v{version} {JsonSerializer.Serialize(options, options.GetType())}";

    private static void Claim(string dir, string kind, string? recipe)
    {
        Directory.CreateDirectory(dir);
        var marker = new Dictionary<string, string> { ["kind"] = kind, ["written_by"] = "llm4ehr" };
        if (recipe is not null)
            marker["recipe"] = recipe;
        AtomicFile.WriteAllText(Path.Combine(dir, MarkerName), JsonSerializer.Serialize(marker) + "\n");
    }

    /// <summary>The generated kind recorded in <paramref name="dir"/>'s marker, or null when there is no readable marker.</summary>
    public static string? KindOf(string dir) => ReadMarker(dir)?.GetValueOrDefault("kind");

    private static Dictionary<string, string>? ReadMarker(string dir)
    {
        string marker = Path.Combine(dir, MarkerName);
        if (!File.Exists(marker))
            return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(marker));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="dataRoot"/> holds a cohort this tool generated (its metrics are not MIMIC's).</summary>
    public static bool IsSyntheticCohort(string dataRoot) => KindOf(dataRoot) == SyntheticCohort;
}
