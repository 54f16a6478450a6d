using LLM4EHR.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Reads an experiment YAML (snake_case keys; a config of the Python seed is recognised and mapped, see
/// <see cref="SeedConfigFormat"/>), applies <c>--set key.path=value</c> overrides, validates, and
/// writes the resolved config back as YAML that this loader reads again unchanged. Every problem is a
/// <see cref="BadInputException"/> naming where it is (<c>ihm.yaml:12: training.lr: expected a number, got 'abc'</c>).
/// </summary>
public static class ExperimentConfigLoader
{
    public static ExperimentConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        if (!File.Exists(path))
            throw new BadInputException($"{path}: config file not found");
        return Parse(File.ReadAllText(path), Path.GetFileName(path), overrides);
    }

    /// <summary>Parses YAML text; <paramref name="sourceName"/> is what error messages call it.</summary>
    public static ExperimentConfig Parse(string yaml, string sourceName, IEnumerable<string>? overrides = null)
    {
        var source = new ConfigSource(sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages start with "(Line: …)"; keep only the reason.
            string reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            int close = reason.IndexOf("): ", StringComparison.Ordinal);
            throw new BadInputException($"{sourceName}:{e.Start.Line}: invalid YAML: {(close >= 0 ? reason[(close + 3)..] : reason)}", e);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new BadInputException($"{sourceName}: expected one YAML mapping of settings (task:, data:, model:, …)");
        IReadOnlyList<string> notes = [];
        if (SeedConfigFormat.IsSeedFormat(root))
            (root, notes) = SeedConfigFormat.ToNative(root, source);   // a Python seed config, mapped key by key
        foreach (var assignment in overrides ?? [])
            ApplyOverride(root, assignment, source);
        return ExperimentConfig.Read(new ConfigSection(source, root, "")) with { ImportNotes = notes };
    }

    /// <summary>The resolved config as YAML text (every default written out).</summary>
    public static string ToYaml(ExperimentConfig config)
    {
        var writer = new StringWriter();
        writer.WriteLine("# Resolved LLM4EHR experiment config (all defaults filled in); load it again with --config.");
        new YamlStream(new YamlDocument(config.ToYaml())).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Writes the resolved config atomically (temp file + rename).</summary>
    public static void Save(ExperimentConfig config, string path) => AtomicFile.WriteAllText(path, ToYaml(config));

    // "training.lr=1e-4": the value is put into the YAML tree
    // before validation, so overrides are checked exactly like file values.
    private static void ApplyOverride(YamlMappingNode root, string assignment, ConfigSource source)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new BadInputException($"--set {assignment}: expected key.path=value (e.g. training.lr=1e-4)");
        string[] keys = assignment[..eq].Trim().Split('.');
        if (keys.Any(k => k.Length == 0))
            throw new BadInputException($"--set {assignment}: empty key part in '{assignment[..eq]}'");
        YamlNode value = ParseValue(assignment, assignment[(eq + 1)..]);
        MarkAll(value, assignment, source);

        var map = root;
        for (int i = 0; i < keys.Length - 1; i++)
        {
            var key = new YamlScalarNode(keys[i]);
            if (!map.Children.TryGetValue(key, out var child) || child is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                child = new YamlMappingNode();
                source.MarkOverride(key, assignment);
                source.MarkOverride(child, assignment);
                map.Children[key] = child;
            }
            map = child as YamlMappingNode
                  ?? throw new BadInputException($"--set {assignment}: {string.Join('.', keys[..(i + 1)])} is not a section");
        }
        var last = new YamlScalarNode(keys[^1]);
        source.MarkOverride(last, assignment);
        map.Children.Remove(last);
        map.Children.Add(last, value);
    }

    // Only lists are parsed as YAML ("[q_proj, v_proj]"); anything else is taken verbatim, so text such as
    // "Note: {text}" needs no shell-level quoting to survive as text.
    private static YamlNode ParseValue(string assignment, string text)
    {
        if (!text.TrimStart().StartsWith('['))
            return new YamlScalarNode(text.Trim());
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new BadInputException($"--set {assignment}: value is not a valid list (expected e.g. [q_proj, v_proj])", e);
        }
        return stream.Documents[0].RootNode;
    }

    private static void MarkAll(YamlNode node, string assignment, ConfigSource source)
    {
        source.MarkOverride(node, assignment);
        foreach (var child in node.AllNodes.Skip(1))
            source.MarkOverride(child, assignment);
    }
}
