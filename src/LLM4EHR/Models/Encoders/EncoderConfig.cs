using System.Text.Json.Nodes;

namespace LLM4EHR.Models.Encoders;

/// <summary>The encoder families this project implements, by their HF <c>model_type</c>.</summary>
public enum EncoderFamily { Bert, Longformer, BigBird }

/// <summary>
/// The Hugging Face <c>config.json</c> fields a BERT-style encoder needs (BERT, Longformer, BigBird share the
/// embeddings + post-LN layer layout; only self-attention differs). Read with <see cref="Load"/>; every problem is a
/// one-line <see cref="BadInputException"/> naming config.json and the key.
/// </summary>
public sealed record EncoderConfig
{
    public required EncoderFamily Family { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public int PadTokenId { get; init; }
    /// <summary><c>gelu</c> (exact erf), <c>gelu_new</c>/<c>gelu_pytorch_tanh</c> (tanh approximation) or <c>relu</c>.</summary>
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public string TorchDtype { get; init; } = "float32";

    /// <summary>Longformer: full window (both sides) per layer, each even; token i sees i-w..i+w, w = window/2.</summary>
    public IReadOnlyList<int> AttentionWindow { get; init; } = [];

    /// <summary>BigBird: <c>block_sparse</c> or <c>original_full</c>.</summary>
    public string AttentionType { get; init; } = "block_sparse";
    public int BlockSize { get; init; } = 64;
    public int NumRandomBlocks { get; init; } = 3;
    /// <summary>BigBird: word embeddings × sqrt(hidden) before the sum.</summary>
    public bool RescaleEmbeddings { get; init; }
    /// <summary>BigBird: biases on query/key/value.</summary>
    public bool UseBias { get; init; } = true;

    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>HF <c>model_type</c> of the family.</summary>
    public string ModelType => ModelTypeOf(Family);

    public static string ModelTypeOf(EncoderFamily family) => family switch
    {
        EncoderFamily.Bert => "bert",
        EncoderFamily.Longformer => "longformer",
        _ => "big_bird",
    };

    public const string FileName = "config.json";
    public const string BlockSparse = "block_sparse", OriginalFull = "original_full";

    /// <summary>Reads <c>config.json</c> from a model folder (or the file itself).</summary>
    public static EncoderConfig Load(string folderOrFile)
    {
        string path = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        if (!File.Exists(path))
            throw new BadInputException($"{path}: config.json not found");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses config JSON; <paramref name="source"/> names the file in error messages.</summary>
    public static EncoderConfig Parse(string json, string source = FileName)
    {
        JsonObject root = JsonConfigReader.ParseObject(json, source);
        var r = new JsonConfigReader(root, source);
        string modelType = r.OptionalString("model_type") ?? throw r.Bad("model_type", "missing");
        var family = modelType switch
        {
            "bert" => EncoderFamily.Bert,
            "longformer" => EncoderFamily.Longformer,
            "big_bird" => EncoderFamily.BigBird,
            _ => throw r.Bad("model_type", $"'{modelType}' is not an encoder this project runs (bert, longformer, big_bird)"),
        };
        int hidden = r.PositiveInt("hidden_size"), heads = r.PositiveInt("num_attention_heads");
        if (hidden % heads != 0)
            throw r.Bad("hidden_size", $"{hidden} is not divisible by num_attention_heads ({heads})");
        string act = r.OptionalString("hidden_act") ?? "gelu";
        if (act is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh" or "relu"))
            throw r.Bad("hidden_act", $"'{act}' is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)");
        string positions = r.OptionalString("position_embedding_type") ?? "absolute";
        if (positions != "absolute")
            throw r.Bad("position_embedding_type", $"only 'absolute' is supported, got '{positions}'");
        int layers = r.PositiveInt("num_hidden_layers");
        var config = new EncoderConfig
        {
            Family = family,
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            IntermediateSize = r.PositiveInt("intermediate_size"),
            VocabSize = r.PositiveInt("vocab_size"),
            MaxPositionEmbeddings = r.PositiveInt("max_position_embeddings"),
            TypeVocabSize = r.OptionalInt("type_vocab_size") ?? 2,
            LayerNormEps = r.OptionalDouble("layer_norm_eps") ?? 1e-12,
            PadTokenId = r.OptionalInt("pad_token_id") ?? (family == EncoderFamily.Longformer ? 1 : 0),
            HiddenAct = act,
            HiddenDropoutProb = r.OptionalDouble("hidden_dropout_prob") ?? 0.1,
            AttentionProbsDropoutProb = r.OptionalDouble("attention_probs_dropout_prob") ?? 0.1,
            TorchDtype = r.OptionalString("torch_dtype") ?? "float32",
            AttentionType = r.OptionalString("attention_type") ?? BlockSparse,
            BlockSize = r.OptionalInt("block_size") ?? 64,
            NumRandomBlocks = r.OptionalInt("num_random_blocks") ?? 3,
            RescaleEmbeddings = r.OptionalBool("rescale_embeddings") ?? false,
            UseBias = r.OptionalBool("use_bias") ?? true,
        };
        if (config.TypeVocabSize <= 0)
            throw r.Bad("type_vocab_size", $"must be positive, got {config.TypeVocabSize}");
        if (family == EncoderFamily.Longformer)
            config = config with { AttentionWindow = ReadWindows(r, layers) };
        if (family == EncoderFamily.BigBird)
        {
            if (config.AttentionType is not (BlockSparse or OriginalFull))
                throw r.Bad("attention_type", $"'{config.AttentionType}' is not supported ({BlockSparse}, {OriginalFull})");
            if (config.BlockSize <= 0 || config.NumRandomBlocks < 0)
                throw r.Bad("block_size", $"block_size must be positive and num_random_blocks not negative (got {config.BlockSize}, {config.NumRandomBlocks})");
        }
        return config;
    }

    // HF accepts one int for every layer or one per layer; each must be even and positive.
    private static IReadOnlyList<int> ReadWindows(JsonConfigReader r, int layers)
    {
        var windows = r.OptionalIntOrList("attention_window") ?? throw r.Bad("attention_window", "missing");
        if (windows.Count == 1)
            windows = Enumerable.Repeat(windows[0], layers).ToList();
        if (windows.Count != layers)
            throw r.Bad("attention_window", $"has {windows.Count} values for {layers} layers");
        foreach (int w in windows)
            if (w <= 0 || w % 2 != 0)
                throw r.Bad("attention_window", $"every window must be even and positive, got {w}");
        return windows;
    }
}
