using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models.Encoders.Belt;
using LLM4EHR.Runtime;
using LLM4EHR.Text;

namespace LLM4EHR.Models.Encoders;

/// <summary>
/// Builds the clinical encoder classifiers of <c>model.type</c>: <c>belt</c> (a BERT folder, e.g. Bio_ClinicalBERT,
/// over chunks: <see cref="BeltBackbone"/>), <c>longformer</c> and <c>bigbird</c> (the encoder itself over the whole
/// sequence, see <see cref="EncoderModel.Encode"/>). The encoder is frozen; LoRA adapters on its <c>query</c>/<c>key</c>/<c>value</c>/
/// <c>dense</c> linears and the pooled head (<c>model.pooling</c>) train, as for the Llama baseline.
/// </summary>
public static class EncoderClassifiers
{
    /// <summary>LoRA targets of an encoder: the last segment of its HF linear names (Longformer adds the global projections).</summary>
    public static IReadOnlyList<string> LoraTargets => EncoderModel.ProjectionShortNames;

    /// <summary>The HF family a model type loads (a different <c>model_type</c> in config.json is bad input).</summary>
    public static EncoderFamily Family(ModelType type) => type switch
    {
        ModelType.Belt => EncoderFamily.Bert,
        ModelType.Longformer => EncoderFamily.Longformer,
        ModelType.Bigbird => EncoderFamily.BigBird,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an encoder type"),
    };

    public static PooledClassifier Build(ExperimentConfig config, ComputeDevice compute)
    {
        var model = config.Model;
        var tokenizer = TextTokenizers.EncoderFromModelFolder(model.Path);
        var encoder = EncoderLoader.Load(model.Path, compute, Family(model.Type), model.CheckWeights);
        try
        {
            encoder.GradientCheckpointing = model.GradientCheckpointing;
            if (tokenizer.VocabSize > encoder.Config.VocabSize)
                throw new BadInputException($"model.path: {model.Path}: the tokenizer ({tokenizer.Source}) has {tokenizer.VocabSize} ids, " +
                                            $"config.json vocab_size is {encoder.Config.VocabSize}");
            IBackbone backbone;
            if (model.Type == ModelType.Belt)
            {
                var belt = model.Belt ?? BeltSettings.Upstream;
                backbone = new BeltBackbone(encoder, belt.Chunking, belt.ChunkRepresentation, belt.ChunkBatch,
                    tokenizer.SequenceStart.Single(), tokenizer.SequenceEnd.Single(), tokenizer.PadId);
            }
            else
            {
                int positions = MaxTokens(encoder.Config);
                if (config.Text.MaxTokens > positions)
                    throw new BadInputException($"text.max_tokens: {config.Text.MaxTokens}, but {model.Path} takes at most {positions} tokens " +
                                                $"(config.json max_position_embeddings {encoder.Config.MaxPositionEmbeddings})");
                backbone = encoder; // the whole framed sequence: last hidden state + attention mask
            }
            var head = new PooledClassifierHead(encoder.Config.HiddenSize, config.Task.LabelCount(), config.Training.Seed,
                model.Pooling ?? Pooling.Mean);
            return new PooledClassifier(backbone, head, config.Lora.ToAdapterSettings(config.Training.Seed));
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Longest framed sequence the encoder takes: Longformer's positions start after the pad id (HF: 4098 rows for 4096).</summary>
    public static int MaxTokens(EncoderConfig c) =>
        c.Family == EncoderFamily.Longformer ? c.MaxPositionEmbeddings - c.PadTokenId - 1 : c.MaxPositionEmbeddings;
}
