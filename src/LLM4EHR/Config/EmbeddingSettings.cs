using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Frozen-embedding mode (<c>embeddings:</c>). <paramref name="Cache"/>: a safetensors file of pooled note
/// representations keyed by stay name, written once by <c>llm4ehr embed --config …</c>. When set, note models read it
/// instead of running the Llama: <c>model.type: llama</c> trains a linear probe (logistic regression with
/// <c>series.l2</c>) on it, <c>fusion</c> its head and series encoder beside it; no model folder is loaded.
/// </summary>
public sealed record EmbeddingSettings(string? Cache = null)
{
    public static EmbeddingSettings Default { get; } = new();

    internal static EmbeddingSettings Read(ConfigSection s)
    {
        var settings = new EmbeddingSettings(s.OptionalText("cache") is { Length: > 0 } path ? path : null);
        s.Finish();
        return settings;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(("cache", Cache is null ? YamlOut.Null : YamlOut.Text(Cache)));
}
