using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// Shape of the random Llama the demo creates on first use. <paramref name="Vocab"/> null means "the tokenizer's
/// vocabulary size".
/// </summary>
public sealed record TinyLlamaSettings(int Hidden, int Layers, int Heads, int KvHeads, int Intermediate, int? Vocab, int Seed)
{
    internal static TinyLlamaSettings Read(ConfigSection s)
    {
        var t = new TinyLlamaSettings(
            s.Int("hidden", 64, min: 1), s.Int("layers", 2, min: 1), s.Int("heads", 4, min: 1), s.Int("kv_heads", 2, min: 1),
            s.Int("intermediate", 176, min: 1), s.Has("vocab") ? s.Int("vocab", 0, min: 2) : null, s.Int("seed", 0));
        if (t.Hidden % t.Heads != 0)
            throw s.Error("heads", $"hidden ({t.Hidden}) must be a multiple of heads ({t.Heads})");
        if (t.Heads % t.KvHeads != 0)
            throw s.Error("kv_heads", $"heads ({t.Heads}) must be a multiple of kv_heads ({t.KvHeads})");
        if (t.Hidden / t.Heads % 2 != 0)
            throw s.Error("heads", $"head size hidden/heads ({t.Hidden / t.Heads}) must be even for rotary embeddings");
        s.Finish();
        return t;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("hidden", YamlOut.Int(Hidden)), ("layers", YamlOut.Int(Layers)), ("heads", YamlOut.Int(Heads)),
        ("kv_heads", YamlOut.Int(KvHeads)), ("intermediate", YamlOut.Int(Intermediate)),
        ("vocab", Vocab is { } v ? YamlOut.Int(v) : YamlOut.Null), ("seed", YamlOut.Int(Seed)));
}
