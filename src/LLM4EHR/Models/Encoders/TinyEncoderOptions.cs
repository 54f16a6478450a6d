namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Shape of a tiny random encoder written by <see cref="TinyEncoderWriter"/>. Defaults follow each family's HF config
/// defaults where they matter for behaviour (Longformer: pad 1, one token type, positions offset by pad + 1;
/// BigBird: block_sparse, gelu_new); sizes are tiny.
/// </summary>
public sealed record TinyEncoderOptions
{
    public EncoderFamily Family { get; init; } = EncoderFamily.Bert;
    public int Hidden { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int Intermediate { get; init; } = 128;
    /// <summary>Must cover the tokenizer's ids (the writer of the tokenizer files knows its vocabulary).</summary>
    public int VocabSize { get; init; } = 1000;
    /// <summary>Longest sequence the model accepts (Longformer's table gets pad + 1 more rows, as HF's 4098 for 4096).</summary>
    public int MaxTokens { get; init; } = 512;
    /// <summary>Null: the family's HF default (BERT/BigBird 0, Longformer 1).</summary>
    public int? PadTokenId { get; init; }
    /// <summary>Longformer: full window (both sides), one value for every layer.</summary>
    public int AttentionWindow { get; init; } = 64;
    /// <summary>BigBird: <c>block_sparse</c> or <c>original_full</c>.</summary>
    public string AttentionType { get; init; } = EncoderConfig.BlockSparse;
    public int BlockSize { get; init; } = 16;
    public int NumRandomBlocks { get; init; } = 2;
    public bool WithPooler { get; init; } = true;
    public long Seed { get; init; }

    /// <summary>The HF config this shape corresponds to.</summary>
    public EncoderConfig ToConfig()
    {
        if (Hidden <= 0 || Layers <= 0 || Heads <= 0 || Intermediate <= 0 || VocabSize <= 0 || MaxTokens <= 0)
            throw new BadInputException("tiny encoder: hidden, layers, heads, intermediate, vocab and max tokens must be positive");
        if (Hidden % Heads != 0)
            throw new BadInputException($"tiny encoder: hidden ({Hidden}) must split into {Heads} heads");
        bool longformer = Family == EncoderFamily.Longformer, bigBird = Family == EncoderFamily.BigBird;
        int pad = PadTokenId ?? (longformer ? 1 : 0);
        if (pad < 0 || pad >= VocabSize)
            throw new BadInputException($"tiny encoder: pad token id {pad} is outside the vocabulary of {VocabSize}");
        if (longformer && (AttentionWindow <= 0 || AttentionWindow % 2 != 0))
            throw new BadInputException($"tiny encoder: attention window must be even and positive, got {AttentionWindow}");
        return new EncoderConfig
        {
            Family = Family,
            HiddenSize = Hidden,
            NumHiddenLayers = Layers,
            NumAttentionHeads = Heads,
            IntermediateSize = Intermediate,
            VocabSize = VocabSize,
            MaxPositionEmbeddings = longformer ? MaxTokens + pad + 1 : MaxTokens,
            TypeVocabSize = longformer ? 1 : 2,
            LayerNormEps = longformer ? 1e-5 : 1e-12,
            PadTokenId = pad,
            HiddenAct = bigBird ? "gelu_new" : "gelu",
            AttentionWindow = longformer ? Enumerable.Repeat(AttentionWindow, Layers).ToList() : [],
            AttentionType = AttentionType,
            BlockSize = BlockSize,
            NumRandomBlocks = NumRandomBlocks,
        };
    }
}
