using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Models;
using LLM4EHR.Models.Fusion;
using LLM4EHR.Models.Llama;
using LLM4EHR.SafeTensors;
using LLM4EHR.Text;
using static TorchSharp.torch;

namespace LLM4EHR.Experiments;

/// <summary>
/// <c>llm4ehr embed</c>: runs the config's frozen Llama (base weights, no adapters; NF4 if configured) once over every
/// stay of the three splits, as the text pipeline prepares them, and writes each stay's mask-mean-pooled final hidden
/// state [H] float32 to a <see cref="NoteEmbeddingCache"/> file keyed by stay name. Heads, fusion and probes then train
/// from the file (<c>embeddings.cache</c>) in seconds instead of running the Llama every epoch.
/// </summary>
public static class NoteEmbedder
{
    /// <summary>Writes the cache to <paramref name="outPath"/>; returns how many stays and the hidden size.</summary>
    public static (int Stays, long HiddenSize) Write(ExperimentConfig config, string outPath, IProgress<ExperimentStage>? stages = null,
        CancellationToken cancellationToken = default)
    {
        if (File.Exists(outPath) && !IsEmbeddingCache(outPath))
            throw new BadInputException($"{outPath}: exists and is not a note-embedding cache: not overwritten (choose another --out)");
        // The notes as the experiment's note model reads them, whatever model.type says (a fusion config embeds its notes).
        var noteConfig = config with { Model = config.Model with { Type = ModelType.Llama } };
        noteConfig = noteConfig with { Embeddings = EmbeddingSettings.Default };
        ExperimentPreflight.Check(noteConfig with { Output = noteConfig.Output with { Overwrite = true } }, Path.GetTempPath(), resume: false);
        var splits = new ExperimentRunner(noteConfig) { Stages = stages }.PrepareTokens();
        var compute = ClassifierFactory.ResolveCompute(config.Model);
        if (config.Training.Threads > 0) set_num_threads(config.Training.Threads);
        stages?.Report(new ExperimentStage("model", $"loading {config.Model.Path} on {compute} (frozen, no adapters)"));
        using var llama = ClassifierFactory.LoadLlama(config.Model.Path, config.Quantization, gradientCheckpointing: false, compute,
            checkWeights: config.Model.CheckWeights);
        llama.eval();
        var collate = TokenCollator.For(splits.Tokenizer!, config.Text.PadSide);
        var vectors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, stays) in new[] { ("train", splits.Train), ("val", splits.Val), ("test", splits.Test) })
            {
                stages?.Report(new ExperimentStage("embed", $"{name}: {stays.Count} stays"));
                Embed(llama, stays, collate, config.Training.EvalBatchSize, compute.Device, vectors, cancellationToken);
            }
            var metadata = new Dictionary<string, string>
            {
                ["format"] = NoteEmbeddingCache.Format,
                ["task"] = config.Task.Id(),
                ["model_fingerprint"] = ModelFingerprint.Of(config.Model.Path),
                ["pooling"] = "mean",
                ["max_tokens"] = config.Text.MaxTokens.ToString(CultureInfo.InvariantCulture),
                ["max_notes"] = config.Text.MaxNotes.ToString(CultureInfo.InvariantCulture),
                ["data_root"] = Path.GetFullPath(config.Data.Root),
            };
            if (Path.GetDirectoryName(Path.GetFullPath(outPath)) is { } dir)
                Directory.CreateDirectory(dir);
            SafeTensorsWriter.Write(outPath, vectors, metadata);
            return (vectors.Count, llama.Config.HiddenSize);
        }
        finally
        {
            foreach (var v in vectors.Values)
                v.Dispose();
        }
    }

    private static void Embed(LlamaModel llama, IReadOnlyList<TokenizedStay> stays, TokenCollator collate, int batchSize, Device device,
        Dictionary<string, Tensor> into, CancellationToken cancellationToken)
    {
        using var noGrad = no_grad();
        foreach (var indices in BatchPlanner.PlanEvaluation([.. stays.Select(s => s.TokenIds.Length)], batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var batch = collate.Collate([.. indices.Select(i => stays[i])]).To(device);
            var (hidden, mask) = ((IBackbone)llama).Encode(batch);                                      // [B, T, H], [B, T]
            var pooled = PooledClassifierHead.Pool(hidden, mask, Pooling.Mean).cpu();       // [B, H] f32
            for (int row = 0; row < indices.Length; row++)
            {
                string name = stays[indices[row]].Name;
                if (into.ContainsKey(name))
                    throw new BadInputException($"{name}: this stay appears in more than one split: embeddings are keyed by stay name");
                into[name] = pooled[row].clone().MoveToOuterDisposeScope();                 // [H]
            }
        }
    }

    private static bool IsEmbeddingCache(string path)
    {
        try
        {
            using var file = SafeTensorsFile.Open(path);
            return file.Metadata.GetValueOrDefault("format") == NoteEmbeddingCache.Format;
        }
        catch (Exception e) when (e is BadInputException or IOException or InvalidDataException)
        {
            return false;
        }
    }
}
