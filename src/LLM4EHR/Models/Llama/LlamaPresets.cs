namespace LLM4EHR.Models.Llama;

/// <summary>
/// Real Llama shapes by name, for writing a random model at that shape (<c>make-tiny-model --preset</c>) and for
/// memory plans without the weights at hand. The values are those of Meta's Hugging Face <c>config.json</c>.
/// </summary>
public static class LlamaPresets
{
    /// <summary>Meta-Llama-3-8B (and -Instruct): 8192-token context, no rope scaling. The configs' model.</summary>
    public const string Llama3_8B = "llama3-8b";
    /// <summary>Llama-3.1-8B: the same weights' shape with llama3 rope scaling to a 131072-token context.</summary>
    public const string Llama31_8B = "llama3.1-8b";

    public static IReadOnlyList<string> Names { get; } = [Llama3_8B, Llama31_8B];

    /// <summary>The config of a preset; an unknown name is bad input that lists the known ones.</summary>
    public static LlamaConfig Get(string name)
    {
        var llama3 = new LlamaConfig
        {
            HiddenSize = 4096,
            IntermediateSize = 14336,
            NumHiddenLayers = 32,
            NumAttentionHeads = 32,
            NumKeyValueHeads = 8,
            HeadDim = 128,
            VocabSize = 128_256,
            RmsNormEps = 1e-5,
            RopeTheta = 500_000,
            MaxPositionEmbeddings = 8192,
            TorchDtype = "bfloat16",
        };
        return name.Trim().ToLowerInvariant() switch
        {
            Llama3_8B => llama3,
            Llama31_8B => llama3 with { RopeScaling = RopeScaling.Llama31, MaxPositionEmbeddings = 131_072 },
            _ => throw new BadInputException($"--preset: unknown model preset '{name}' (known: {string.Join(", ", Names)})"),
        };
    }
}
