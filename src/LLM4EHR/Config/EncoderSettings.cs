using LLM4EHR.Models;
using LLM4EHR.Models.Encoders.Belt;
using YamlDotNet.RepresentationModel;

namespace LLM4EHR.Config;

/// <summary>
/// BELT's chunking (<c>model.belt</c>, only with <c>model.type: belt</c>): <c>chunk_size</c> tokens per chunk (510 =
/// BERT's 512 positions less [CLS] and [SEP]), a chunk starting every <c>stride</c> tokens, tail chunks shorter than
/// <c>min_chunk_tokens</c> dropped, each chunk represented by its <c>chunk_representation</c> (cls, upstream; or mean),
/// <c>chunk_batch</c> chunks per encoder call. Defaults are upstream's.
/// </summary>
public sealed record BeltSettings(int ChunkSize, int Stride, int MinChunkTokens, ChunkRepresentation ChunkRepresentation, int ChunkBatch)
{
    public static readonly BeltSettings Upstream = new(510, 170, 170, ChunkRepresentation.Cls, 16);

    public BeltChunking Chunking => new(ChunkSize, Stride, MinChunkTokens);

    internal static BeltSettings Read(ConfigSection s)
    {
        var b = new BeltSettings(s.Int("chunk_size", Upstream.ChunkSize, min: 1), s.Int("stride", Upstream.Stride, min: 1),
            s.Int("min_chunk_tokens", Upstream.MinChunkTokens, min: 1), s.Choice("chunk_representation", Upstream.ChunkRepresentation),
            s.Int("chunk_batch", Upstream.ChunkBatch, min: 1));
        if (b.Chunking.Problem() is { } problem)
            throw s.Error(problem.Key, problem.Message);
        s.Finish();
        return b;
    }

    internal YamlMappingNode ToYaml() => YamlOut.Map(
        ("chunk_size", YamlOut.Int(ChunkSize)), ("stride", YamlOut.Int(Stride)), ("min_chunk_tokens", YamlOut.Int(MinChunkTokens)),
        ("chunk_representation", YamlOut.Choice(ChunkRepresentation)), ("chunk_batch", YamlOut.Int(ChunkBatch)));
}

/// <summary>The config rules of the clinical encoders (<c>model.type: belt | longformer | bigbird</c>).</summary>
public static class EncoderSettings
{
    /// <summary>Whether <paramref name="type"/> is one of the clinical encoders.</summary>
    public static bool IsEncoder(this ModelType type) => type is ModelType.Belt or ModelType.Longformer or ModelType.Bigbird;

    /// <summary>
    /// Tokens one encoder forward reads: BELT a chunk framed by [CLS] and [SEP] (<c>model.belt.chunk_size</c> + 2),
    /// the others the whole sequence of <paramref name="maxTokens"/>.
    /// </summary>
    public static int ForwardTokens(ModelSettings model, int maxTokens) =>
        model.Type == ModelType.Belt ? (model.Belt ?? BeltSettings.Upstream).ChunkSize + 2 : maxTokens;

    /// <summary>
    /// The poolings a family allows, its default first: BELT pools chunk vectors (mean, or max as upstream's option);
    /// Longformer and BigBird pool tokens (mean, upstream's better setting, or the first token's state).
    /// </summary>
    public static IReadOnlyList<Pooling> Poolings(ModelType type) => type switch
    {
        ModelType.Belt => [Pooling.Mean, Pooling.Max],
        ModelType.Longformer or ModelType.Bigbird => [Pooling.Mean, Pooling.Cls],
        _ => [],
    };

    /// <summary>LoRA targets of an encoder: the last segment of its HF linear names (Longformer adds the global projections).</summary>
    public static IReadOnlyList<string> LoraTargets => Models.Encoders.EncoderClassifiers.LoraTargets;

    /// <summary>peft's default for BERT-style models.</summary>
    public static readonly IReadOnlyList<string> DefaultLoraTargets = ["query", "value"];

    /// <summary>Reads <c>model.pooling</c> for <paramref name="type"/>: null for families that choose their own.</summary>
    internal static Pooling? ReadPooling(ConfigSection model, ModelType type)
    {
        var allowed = Poolings(type);
        if (allowed.Count == 0)
        {
            if (model.Has("pooling") && model.OptionalText("pooling") is { } set)
                throw model.Error("pooling", $"not used by model.type {type.Word()} (got '{set}')");
            return null;
        }
        var pooling = model.Choice("pooling", allowed[0]);
        if (!allowed.Contains(pooling))
            throw model.Error("pooling", $"model.type {type.Word()} pools {string.Join(" or ", allowed.Select(ConfigNames.Snake))}, got '{ConfigNames.Snake(pooling)}'");
        return pooling;
    }

    /// <summary>How an encoder's representation is made, for the model card; null for other families.</summary>
    public static string? Describe(ModelSettings model) => model.Type switch
    {
        ModelType.Belt when model.Belt is { } b =>
            $"BELT: the token stream in chunks of {b.ChunkSize} starting every {b.Stride} tokens ([CLS] … [SEP] each, tails under {b.MinChunkTokens} dropped), " +
            $"each chunk's {ConfigNames.Snake(b.ChunkRepresentation)} state, chunks {ConfigNames.Snake(model.Pooling ?? Pooling.Mean)}-pooled",
        ModelType.Longformer or ModelType.Bigbird =>
            $"{(model.Type == ModelType.Longformer ? "Longformer" : "BigBird")} final hidden states {((model.Pooling ?? Pooling.Mean) == Pooling.Cls ? "at the first token" : "mask-mean-pooled")}",
        _ => null,
    };

    /// <summary>Cross-section rules: no NF4 for encoders (their weights are small and kept as they are); right padding.</summary>
    internal static void Check(ConfigSection root, ExperimentConfig config)
    {
        if (!config.Model.Type.IsEncoder())
            return;
        if (config.Quantization.Nf4)
            throw root.SectionOrEmpty("quantization").Error("nf4", $"not available for model.type {config.Model.Type.Word()} (NF4 is for the Llama base)");
        if (config.Text.PadSide == Text.PaddingSide.Left)
            throw root.SectionOrEmpty("text").Error("pad_side", $"model.type {config.Model.Type.Word()} needs right padding (absolute positions start at the first column)");
    }
}
