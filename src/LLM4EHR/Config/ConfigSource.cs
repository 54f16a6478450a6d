using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Where config values came from, so every error can name its origin: <c>ihm.yaml:12</c> for a file value,
/// <c>--set training.lr=abc</c> for a command-line override.
/// </summary>
internal sealed class ConfigSource
{
    // Nodes created by --set, compared by reference: YamlNode's own Equals is structural, and two identical
    // values from different origins must still report different places.
    private readonly Dictionary<YamlNode, string> _overrideOrigins = new(ReferenceEqualityComparer.Instance);

    public ConfigSource(string fileName) => FileName = fileName;

    public string FileName { get; }

    public void MarkOverride(YamlNode node, string assignment) => _overrideOrigins[node] = $"--set {assignment}";

    /// <summary>Marks a node built from another place (e.g. a key of a seed-format config) with that place's name.</summary>
    public void MarkOrigin(YamlNode node, string location) => _overrideOrigins[node] = location;

    /// <summary>"file:line" or "--set key=value" for the node that holds a value.</summary>
    public string Locate(YamlNode node) =>
        _overrideOrigins.TryGetValue(node, out var origin) ? origin : $"{FileName}:{node.Start.Line}";

    public BadInputException Error(YamlNode node, string key, string message) =>
        new($"{Locate(node)}: {key}: {message}");
}
