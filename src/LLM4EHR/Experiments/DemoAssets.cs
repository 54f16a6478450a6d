using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.IO;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Models.Llama;
using LLM4EHR.Text;

namespace LLM4EHR.Experiments;

/// <summary>
/// Creates the embedded demo's inputs on first use: a synthetic cohort in the real p2x pickle format and a tiny
/// random Llama in real Hugging Face format (with the embedded tokenizer). Both are then read by exactly the same
/// loaders as MIMIC files and real checkpoints, so the demo exercises the real path end to end.
/// </summary>
public static class DemoAssets
{
    /// <summary>
    /// Writes the synthetic cohort under <c>data.root</c> when the config asks for the demo and any split is missing.
    /// Only into a new or empty folder or an earlier demo cohort's: a folder of the user's is refused, never filled.
    /// </summary>
    public static bool EnsureCohort(ClinicalTask task, DataSettings data)
    {
        if (!data.Demo || Enum.GetValues<P2xSplit>().All(s => File.Exists(P2xDataset.SplitPath(data.Root, s))))
            return false;
        // Validation and test splits are a quarter of the training split each (600/150/150 by default).
        var options = new SyntheticCohortOptions(task, data.DemoStays, Math.Max(data.DemoStays / 4, 20),
            Math.Max(data.DemoStays / 4, 20), data.DemoSeed);
        SyntheticCohort.WriteSplits(data.Root, options);
        return true;
    }

    /// <summary>
    /// Writes the tiny random Llama to <c>model.path</c> when the config describes one and the folder has no
    /// config.json; like the cohort, only into a new or empty folder or an earlier random model's.
    /// </summary>
    public static bool EnsureTinyModel(ModelSettings model)
    {
        if (model.Tiny is not { } tiny || File.Exists(Path.Combine(model.Path, LlamaConfig.FileName)))
            return false;
        GeneratedFolder.RequireWritable(model.Path, GeneratedFolder.RandomModel, "a tiny random Llama");
        GeneratedFolder.Claim(model.Path, GeneratedFolder.RandomModel);
        TinyLlamaWriter.Write(model.Path, TinyModelOptions(tiny), dir => Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir));
        return true;
    }

    /// <summary>
    /// <see cref="EnsureTinyModel(ModelSettings)"/> for any model type: the clinical encoders get a tiny random encoder of
    /// their family (BERT for BELT) with a small tokenizer in the real format, built from the synthetic notes' words
    /// (<see cref="TinyTokenizerFiles"/>), loaded afterwards by the same code as a real checkpoint.
    /// </summary>
    public static bool EnsureTinyModel(ExperimentConfig config)
    {
        var model = config.Model;
        if (!model.Type.IsEncoder())
            return EnsureTinyModel(model);
        if (model.Tiny is not { } tiny || File.Exists(Path.Combine(model.Path, EncoderConfig.FileName)))
            return false;
        var family = EncoderClassifiers.Family(model.Type);
        string kind = GeneratedKind(model.Type);
        GeneratedFolder.RequireWritable(model.Path, kind, $"a tiny random {TinyModelName(model.Type)}");
        GeneratedFolder.Claim(model.Path, kind);
        var words = SyntheticPhrases.Words();
        int vocab = family switch
        {
            EncoderFamily.Bert => TinyTokenizerFiles.WriteWordPiece(model.Path, words),
            EncoderFamily.Longformer => TinyTokenizerFiles.WriteByteBpe(model.Path, words),
            _ => TinyTokenizerFiles.WriteSentencePiece(model.Path, words),
        };
        TinyEncoderWriter.Write(model.Path, new TinyEncoderOptions
        {
            Family = family,
            Hidden = tiny.Hidden,
            Layers = tiny.Layers,
            Heads = tiny.Heads,
            Intermediate = tiny.Intermediate,
            VocabSize = Math.Max(vocab, tiny.Vocab ?? 0),
            // BELT reads chunks ([CLS] + chunk + [SEP]); the others the whole framed sequence.
            MaxTokens = model.Type == ModelType.Belt ? (model.Belt ?? BeltSettings.Upstream).ChunkSize + 2 : config.Text.MaxTokens,
            Seed = tiny.Seed,
        });
        return true;
    }

    /// <summary>The generated-folder kind of a model type's tiny model (Llama: <see cref="GeneratedFolder.RandomModel"/>).</summary>
    public static string GeneratedKind(ModelType type) =>
        type.IsEncoder() ? "random-" + EncoderConfig.ModelTypeOf(EncoderClassifiers.Family(type)) : GeneratedFolder.RandomModel;

    /// <summary>What a model type's tiny model is called in messages.</summary>
    public static string TinyModelName(ModelType type) => type switch
    {
        ModelType.Belt => "BERT",
        ModelType.Longformer => "Longformer",
        ModelType.Bigbird => "BigBird",
        _ => "Llama",
    };

    /// <summary>The writer's options for a config's <c>model.tiny</c> (vocab defaults to the embedded tokenizer's).</summary>
    public static TinyLlamaOptions TinyModelOptions(TinyLlamaSettings tiny) => new()
    {
        Hidden = tiny.Hidden,
        Layers = tiny.Layers,
        Heads = tiny.Heads,
        KvHeads = tiny.KvHeads,
        Intermediate = tiny.Intermediate,
        VocabSize = tiny.Vocab ?? Llama3Tokenizer.Embedded.VocabSize,
        Seed = tiny.Seed,
    };
}
