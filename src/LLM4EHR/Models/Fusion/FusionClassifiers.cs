using LLM4EHR.Config;
using LLM4EHR.Data;
using TorchSharp;
using LLM4EHR.Models.TimeSeries;
using LLM4EHR.Runtime;

namespace LLM4EHR.Models.Fusion;

/// <summary>
/// Builds the families that read note representations beside or instead of a live Llama: <c>fusion</c> (the Llama, or
/// its cached embeddings, plus the <c>series.encoder</c> LSTM/CNN under one head; end to end: LoRA on the Llama when
/// <c>lora.enabled</c>, the series encoder trained whole) and the linear probe of <c>llama</c> on cached embeddings.
/// </summary>
public static class FusionClassifiers
{
    /// <param name="llama">Builds the live note backbone (with the config's NF4 settings); not called in cache mode.</param>
    public static PooledClassifier BuildFusion(ExperimentConfig config, ComputeDevice compute, Func<IBackbone> llama)
    {
        var lora = config.Lora.ToAdapterSettings(config.Training.Seed);
        IBackbone notes;
        if (config.Embeddings.Cache is { } cache)
        {
            RequireNoLora(config);
            notes = new CachedNoteBackbone(NoteEmbeddingCache.Load(cache, config.Task.Id()), compute.Device);
            lora = null;
        }
        else
            notes = llama();
        var type = config.Series.Encoder == "cnn" ? ModelType.Cnn : ModelType.Lstm;
        var (encoder, pooling) = TimeSeriesClassifiers.Encoder(type, config.Series, config.Training.Seed, compute.Device);
        var fusion = new FusionBackbone(notes, encoder, pooling);
        var head = new PooledClassifierHead(fusion.HiddenSize, config.Task.LabelCount(), config.Training.Seed).to(compute.Device);
        return new PooledClassifier(fusion, head, lora, trainBackbone: true);
    }

    /// <summary><c>llama</c> on cached note embeddings: an L2 logistic regression (<c>series.l2</c>) on the pooled vectors.</summary>
    public static PooledClassifier BuildProbe(ExperimentConfig config, ComputeDevice compute)
    {
        RequireNoLora(config);
        var notes = new CachedNoteBackbone(NoteEmbeddingCache.Load(config.Embeddings.Cache!, config.Task.Id()), compute.Device);
        var head = new PooledClassifierHead(notes.HiddenSize, config.Task.LabelCount(), config.Training.Seed).to(compute.Device);
        return new PooledClassifier(notes, head, lora: null) { HeadL2 = config.Series.L2 };
    }

    private static void RequireNoLora(ExperimentConfig config)
    {
        if (config.Lora.Enabled)
            throw new BadInputException("lora.enabled: cached note embeddings (embeddings.cache) are frozen, so no adapters can train: set lora.enabled: false");
    }
}
