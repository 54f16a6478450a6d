using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>Builds the YAML tree of a resolved config (written to the run folder and read back by the loader).</summary>
internal static class YamlOut
{
    public static YamlMappingNode Map(params (string Key, YamlNode Value)[] entries)
    {
        var m = new YamlMappingNode();
        foreach (var (k, v) in entries) m.Add(k, v);
        return m;
    }

    // Quoted so text such as "true" or "123" stays text when read back.
    public static YamlNode Text(string? s) => s is null ? Null : new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted };
    public static YamlNode Choice<T>(T v) where T : struct, Enum => new YamlScalarNode(ConfigNames.Snake(v));
    public static YamlNode Word(string v) => new YamlScalarNode(v);
    public static YamlNode Int(int v) => new YamlScalarNode(v.ToString(CultureInfo.InvariantCulture));
    // "R" keeps every bit, so the saved config reproduces the run exactly.
    public static YamlNode Num(double v) => new YamlScalarNode(v.ToString("R", CultureInfo.InvariantCulture));
    public static YamlNode Bool(bool v) => new YamlScalarNode(v ? "true" : "false");
    public static YamlNode Null => new YamlScalarNode("null");
    public static YamlNode Texts(IEnumerable<string> xs) => new YamlSequenceNode(xs.Select(Text)) { Style = SequenceStyle.Flow };
    public static YamlNode Nums(IEnumerable<double>? xs) =>
        xs is null ? Null : new YamlSequenceNode(xs.Select(Num)) { Style = SequenceStyle.Flow };
}
