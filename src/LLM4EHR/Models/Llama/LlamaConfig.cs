using System.Text.Json.Nodes;
using System.Text.Json;

namespace LLM4EHR.Models.Llama;

/// <summary>
/// The Hugging Face <c>config.json</c> fields a Llama backbone needs. Read with <see cref="Load"/>; every
/// problem is a one-line <see cref="BadInputException"/> naming config.json and the key.
/// </summary>
public sealed record LlamaConfig
{
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Per-head width; HF defaults it to hidden / heads when absent.</summary>
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>Null for the default (unscaled) rotary embedding.</summary>
    public RopeScaling? RopeScaling { get; init; }
    public long MaxPositionEmbeddings { get; init; } = 2048;
    public bool AttentionBias { get; init; }
    public bool MlpBias { get; init; }
    public bool TieWordEmbeddings { get; init; }
    /// <summary>The checkpoint's storage dtype as written in the config (e.g. "bfloat16"); informational.</summary>
    public string TorchDtype { get; init; } = "float32";

    /// <summary>Query heads per key/value head (GQA group size).</summary>
    public int KeyValueGroups => NumAttentionHeads / NumKeyValueHeads;

    public const string FileName = "config.json";

    /// <summary>Reads <c>config.json</c> from a model folder (or the file itself).</summary>
    public static LlamaConfig Load(string folderOrFile)
    {
        string path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        if (!File.Exists(path))
            throw new BadInputException($"{path}: config.json not found");
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Parses config JSON; <paramref name="source"/> names the file in error messages.</summary>
    public static LlamaConfig Parse(string json, string source = FileName)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new BadInputException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }
        var r = new JsonConfigReader(root, source);
        int hidden = r.Int("hidden_size");
        int heads = r.Int("num_attention_heads");
        int kvHeads = r.OptionalInt("num_key_value_heads") ?? heads;
        if (hidden <= 0 || heads <= 0 || kvHeads <= 0)
            throw new BadInputException($"{source}: hidden_size, num_attention_heads and num_key_value_heads must be positive");
        if (heads % kvHeads != 0)
            throw new BadInputException($"{source}: num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({kvHeads})");
        int? headDim = r.OptionalInt("head_dim");
        if (headDim is null && hidden % heads != 0)
            throw new BadInputException($"{source}: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads}) and head_dim is missing");
        int hd = headDim ?? hidden / heads;
        if (hd <= 0 || hd % 2 != 0)
            throw new BadInputException($"{source}: head_dim must be positive and even, got {hd}");
        var config = new LlamaConfig
        {
            HiddenSize = hidden,
            IntermediateSize = r.PositiveInt("intermediate_size"),
            NumHiddenLayers = r.PositiveInt("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = hd,
            VocabSize = r.PositiveInt("vocab_size"),
            RmsNormEps = r.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = r.OptionalDouble("rope_theta") ?? 10000.0,
            RopeScaling = ReadRopeScaling(root["rope_scaling"], source),
            MaxPositionEmbeddings = r.OptionalInt("max_position_embeddings") ?? 2048,
            AttentionBias = r.OptionalBool("attention_bias") ?? false,
            MlpBias = r.OptionalBool("mlp_bias") ?? false,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
            TorchDtype = r.OptionalString("torch_dtype") ?? "float32",
        };
        string? act = r.OptionalString("hidden_act");
        if (act is not null && act != "silu")
            throw new BadInputException($"{source}: hidden_act: only 'silu' is supported, got '{act}'");
        return config;
    }

    private static RopeScaling? ReadRopeScaling(JsonNode? node, string source)
    {
        if (node is null)
            return null;
        if (node is not JsonObject obj)
            throw new BadInputException($"{source}: rope_scaling: expected an object or null");
        var r = new JsonConfigReader(obj, source, "rope_scaling.");
        // Older configs spell the key "type"; transformers accepts both.
        string type = r.OptionalString("rope_type") ?? r.OptionalString("type")
            ?? throw new BadInputException($"{source}: rope_scaling.rope_type is missing");
        switch (type)
        {
            case "default":
                return null;
            case RopeScaling.Llama3:
                var s = new RopeScaling(type, r.Double("factor"), r.Double("low_freq_factor"), r.Double("high_freq_factor"),
                    r.Int("original_max_position_embeddings"));
                if (s.Factor <= 0 || s.HighFreqFactor <= s.LowFreqFactor || s.OriginalMaxPositionEmbeddings <= 0)
                    throw new BadInputException($"{source}: rope_scaling: llama3 needs factor > 0, high_freq_factor > low_freq_factor, original_max_position_embeddings > 0");
                return s;
            default:
                throw new BadInputException($"{source}: rope_scaling.rope_type: unsupported rope type '{type}' (supported: default, llama3)");
        }
    }
}

/// <summary>
/// The <c>rope_scaling</c> block of a Llama config. Only <c>default</c> (no scaling) and <c>llama3</c>
/// are supported; anything else is rejected when the config is read.
/// </summary>
public sealed record RopeScaling(
    string RopeType,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    long OriginalMaxPositionEmbeddings)
{
    public const string Llama3 = "llama3";

    /// <summary>Llama 3.1's values (factor 8, low 1, high 4, original context 8192).</summary>
    public static RopeScaling Llama31 { get; } = new(Llama3, 8.0, 1.0, 4.0, 8192);
}
