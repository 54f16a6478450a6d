using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Reads one YAML mapping of the config with typed, validated getters. Every getter records the key it read,
/// so <see cref="Finish"/> can reject keys nobody asked for (typos must not be silently ignored).
/// Errors name the origin, the dotted key and what was expected: <c>ihm.yaml:12: training.lr: expected a number, got 'abc'</c>.
/// </summary>
internal sealed class ConfigSection
{
    private readonly ConfigSource _source;
    private readonly YamlMappingNode _node;
    private readonly string _prefix;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ConfigSection(ConfigSource source, YamlMappingNode node, string prefix)
    {
        _source = source;
        _node = node;
        _prefix = prefix;
        foreach (var key in node.Children.Keys)
            if (key is not YamlScalarNode { Value: not null })
                throw _source.Error(key, prefix.TrimEnd('.'), "keys must be plain names");
    }

    private string Dotted(string key) => _prefix + key;

    /// <summary>The value node of a key, or null when the key is absent or its value is YAML null.</summary>
    private YamlNode? Find(string key)
    {
        _known.Add(key);
        if (!_node.Children.TryGetValue(new YamlScalarNode(key), out var value))
            return null;
        return IsNull(value) ? null : value;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } s
        && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private string Scalar(YamlNode node, string key, string expected) =>
        node is YamlScalarNode { Value: { } v } ? v
        : throw _source.Error(node, Dotted(key), $"expected {expected}, got a {(node is YamlSequenceNode ? "list" : "mapping")}");

    public bool Has(string key) => Find(key) is not null;

    public string Text(string key, string fallback) => OptionalText(key) ?? fallback;

    public string? OptionalText(string key) => Find(key) is { } n ? Scalar(n, key, "text") : null;

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Find(key) is not { } n) return fallback;
        string v = Scalar(n, key, "a whole number");
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x))
            throw _source.Error(n, Dotted(key), $"expected a whole number, got '{v}'");
        if (x < min || x > max)
            throw _source.Error(n, Dotted(key), $"expected {Range(min, max)}, got {x}");
        return x;
    }

    public double Number(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        if (Find(key) is not { } n) return fallback;
        return ParseNumber(n, key, min, max, exclusiveMin);
    }

    private double ParseNumber(YamlNode n, string key, double min, double max, bool exclusiveMin)
    {
        string v = Scalar(n, key, "a number");
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
            throw _source.Error(n, Dotted(key), $"expected a number, got '{v}'");
        if ((exclusiveMin ? x <= min : x < min) || x > max)
            throw _source.Error(n, Dotted(key), $"expected a number {(exclusiveMin ? "> " + Fmt(min) : RangeText(min, max))}, got {v}");
        return x;
    }

    /// <summary>A number or a list of numbers (e.g. one pos_weight for all labels, or one per label); null when absent.</summary>
    public double[]? OptionalNumbers(string key, double min, bool exclusiveMin)
    {
        if (Find(key) is not { } n) return null;
        if (n is YamlSequenceNode seq)
        {
            if (seq.Children.Count == 0)
                throw _source.Error(n, Dotted(key), "expected a number or a non-empty list of numbers, got []");
            return seq.Children.Select(c => ParseNumber(c, key, min, double.PositiveInfinity, exclusiveMin)).ToArray();
        }
        return [ParseNumber(n, key, min, double.PositiveInfinity, exclusiveMin)];
    }

    public bool Bool(string key, bool fallback)
    {
        if (Find(key) is not { } n) return fallback;
        string v = Scalar(n, key, "true or false");
        return v.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw _source.Error(n, Dotted(key), $"expected true or false, got '{v}'"),
        };
    }

    /// <summary>An enum written in snake_case (<c>keep_start</c> → KeepStart).</summary>
    public T Choice<T>(string key, T fallback) where T : struct, Enum
    {
        if (Find(key) is not { } n) return fallback;
        string v = Scalar(n, key, "one of " + ConfigNames.ChoicesOf<T>());
        return ConfigNames.TryParseChoice<T>(v, out var x) ? x
            : throw _source.Error(n, Dotted(key), $"expected one of {ConfigNames.ChoicesOf<T>()}, got '{v}'");
    }

    /// <summary>A text value restricted to a fixed set (for values other code parses, e.g. the device).</summary>
    public string OneOf(string key, string fallback, params string[] allowed)
    {
        if (Find(key) is not { } n) return fallback;
        string v = Scalar(n, key, "one of " + string.Join("|", allowed));
        return allowed.Contains(v) ? v
            : throw _source.Error(n, Dotted(key), $"expected one of {string.Join("|", allowed)}, got '{v}'");
    }

    public IReadOnlyList<string> TextList(string key, IReadOnlyList<string> fallback)
    {
        if (Find(key) is not { } n) return fallback;
        if (n is not YamlSequenceNode seq)
            throw _source.Error(n, Dotted(key), $"expected a list like [a, b], got '{(n as YamlScalarNode)?.Value}'");
        return seq.Children.Select(c => Scalar(c, key, "text")).ToArray();
    }

    /// <summary>A nested mapping, or null when absent/null.</summary>
    public ConfigSection? Section(string key)
    {
        if (Find(key) is not { } n) return null;
        return n is YamlMappingNode m ? new ConfigSection(_source, m, Dotted(key) + ".")
            : throw _source.Error(n, Dotted(key), $"expected a mapping of settings, got '{(n as YamlScalarNode)?.Value ?? "a list"}'");
    }

    /// <summary>A nested mapping that may be omitted (then read as empty, so all its defaults apply).</summary>
    public ConfigSection SectionOrEmpty(string key) => Section(key) ?? new ConfigSection(_source, new YamlMappingNode(), Dotted(key) + ".");

    /// <summary>An error about a key of this section (for cross-field checks), located at the key's value when present.</summary>
    public BadInputException Error(string key, string message)
    {
        YamlNode at = _node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : _node;
        return _source.Error(at, Dotted(key), message);
    }

    /// <summary>Rejects keys that no getter asked for.</summary>
    public void Finish()
    {
        foreach (var key in _node.Children.Keys.Cast<YamlScalarNode>())
            if (!_known.Contains(key.Value!))
                throw _source.Error(key, Dotted(key.Value!), $"unknown key (expected one of: {string.Join(", ", _known)})");
    }

    private static string Fmt(double x) => x.ToString(CultureInfo.InvariantCulture);
    private static string RangeText(double min, double max) =>
        double.IsNegativeInfinity(min) ? $"<= {Fmt(max)}" : double.IsPositiveInfinity(max) ? $">= {Fmt(min)}" : $"in [{Fmt(min)}, {Fmt(max)}]";
    private static string Range(int min, int max) =>
        max == int.MaxValue ? $"a whole number >= {min}" : $"a whole number in [{min}, {max}]";
}
