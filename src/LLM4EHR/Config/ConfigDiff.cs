using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Compares two resolved configs key by key (dotted keys, every default filled in). Used to refuse a resume whose
/// settings would change the result: only keys that steer where output goes or how fast it runs may differ.
/// </summary>
public static class ConfigDiff
{
    /// <summary>Keys that never change a run's numbers (where it writes, CPU threads, how often it checkpoints).</summary>
    public static readonly IReadOnlySet<string> ResultNeutralKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "output.run_dir", "output.overwrite", "training.threads", "training.checkpoint_every_steps",
    };

    /// <summary>Every leaf of the resolved config as dotted key → value text (lists as <c>[a, b]</c>).</summary>
    public static IReadOnlyDictionary<string, string> Flatten(ExperimentConfig config)
    {
        var leaves = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(config.ToYaml(), "", leaves);
        return leaves;
    }

    /// <summary>Keys whose values differ (or exist in one config only), ignoring <see cref="ResultNeutralKeys"/>.</summary>
    public static IReadOnlyList<(string Key, string? Saved, string? Current)> ResultChanges(ExperimentConfig saved, ExperimentConfig current)
    {
        var a = Flatten(saved);
        var b = Flatten(current);
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => !ResultNeutralKeys.Contains(k))
            .Select(k => (Key: k, Saved: a.GetValueOrDefault(k), Current: b.GetValueOrDefault(k)))
            .Where(d => d.Saved != d.Current)
            .ToList();
    }

    private static void Walk(YamlNode node, string prefix, SortedDictionary<string, string> leaves)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                    Walk(value, prefix + ((YamlScalarNode)key).Value + ".", leaves);
                break;
            case YamlSequenceNode seq:
                leaves[prefix.TrimEnd('.')] = "[" + string.Join(", ", seq.Children.Select(c => (c as YamlScalarNode)?.Value)) + "]";
                break;
            case YamlScalarNode scalar:
                leaves[prefix.TrimEnd('.')] = scalar.Value ?? "null";
                break;
        }
    }
}
