namespace LLM4EHR.Models.Llama;

/// <summary>Shape of a tiny random Llama written by <see cref="TinyLlamaWriter"/>.</summary>
public sealed record TinyLlamaOptions
{
    /// <summary>cl100k_base's 100,256 BPE ranks plus 256 special-token slots, as the project's tokenizer uses.</summary>
    public const int Cl100kVocabSize = 100_256 + 256;

    public int Hidden { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    /// <summary>Null: 11/4 of hidden rounded up to a multiple of 16 (704 for hidden 256, Llama's ~8/3 ratio).</summary>
    public int? Intermediate { get; init; }
    public int VocabSize { get; init; } = Cl100kVocabSize;
    public long Seed { get; init; }
    public double RopeTheta { get; init; } = 500_000.0;
    public long MaxPositionEmbeddings { get; init; } = 8192;

    public int IntermediateSize => Intermediate ?? (Hidden * 11 / 4 + 15) / 16 * 16;

    /// <summary>Parses a vocabulary option: <c>cl100k</c> or a positive number.</summary>
    public static int ParseVocab(string text) =>
        text.Trim().ToLowerInvariant() switch
        {
            "cl100k" or "cl100k_base" => Cl100kVocabSize,
            var s when int.TryParse(s, out int n) && n > 0 => n,
            _ => throw new BadInputException($"--vocab: expected 'cl100k' or a positive number, got '{text}'"),
        };

    /// <summary>The HF config this shape corresponds to.</summary>
    public LlamaConfig ToConfig()
    {
        if (Hidden <= 0 || Layers <= 0 || Heads <= 0 || KvHeads <= 0 || IntermediateSize <= 0 || VocabSize <= 0)
            throw new BadInputException("tiny model: hidden, layers, heads, kv-heads, intermediate and vocab must be positive");
        if (Hidden % Heads != 0 || (Hidden / Heads) % 2 != 0)
            throw new BadInputException($"tiny model: hidden ({Hidden}) must split into {Heads} heads of even width");
        if (Heads % KvHeads != 0)
            throw new BadInputException($"tiny model: heads ({Heads}) must be a multiple of kv-heads ({KvHeads})");
        return new LlamaConfig
        {
            HiddenSize = Hidden,
            IntermediateSize = IntermediateSize,
            NumHiddenLayers = Layers,
            NumAttentionHeads = Heads,
            NumKeyValueHeads = KvHeads,
            HeadDim = Hidden / Heads,
            VocabSize = VocabSize,
            RmsNormEps = 1e-5,
            RopeTheta = RopeTheta,
            MaxPositionEmbeddings = MaxPositionEmbeddings,
            TorchDtype = "float32",
        };
    }
}
