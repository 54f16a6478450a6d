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
    /// Writes the synthetic cohort under <c>data.root</c> when the config asks for the demo and a split is missing or
    /// the folder holds a demo cohort from another recipe (older generator, other <c>data.demo_*</c> settings).
    /// Only into a new or empty folder or an earlier demo cohort's: a folder of the user's is refused, never filled.
    /// </summary>
    public static bool EnsureCohort(ClinicalTask task, DataSettings data)
    {
        if (!data.Demo)
            return false;
        // Validation and test splits are a quarter of the training split each (600/150/150 by default).
        var options = new SyntheticCohortOptions(task, data.DemoStays, Math.Max(data.DemoStays / 4, 20),
            Math.Max(data.DemoStays / 4, 20), data.DemoSeed);
        if (Enum.GetValues<P2xSplit>().All(s => File.Exists(P2xDataset.SplitPath(data.Root, s)))
            && GeneratedFolder.IsCurrent(data.Root, GeneratedFolder.SyntheticCohort, SyntheticCohort.Recipe(options)))
            return false;
        SyntheticCohort.WriteSplits(data.Root, options);
        return true;
    }

    /// <summary>
    /// Writes the tiny random model of <c>model.tiny</c> to <c>model.path</c> when the folder has no config.json or
    /// holds a tiny model of another recipe (other <c>model.tiny</c> settings); like the cohort, only into a new or
    /// empty folder or an earlier random model's. Llama gets the embedded tokenizer; the clinical encoders get a tiny
    /// random encoder of their family (BERT for BELT) with a small tokenizer in the real format, built from the
    /// synthetic notes' words (<see cref="TinyTokenizerFiles"/>). Both are loaded afterwards by the same code as a real
    /// checkpoint.
    /// </summary>
    public static bool EnsureTinyModel(ExperimentConfig config)
    {
        var model = config.Model;
        if (model.Tiny is not { } tiny || !model.Type.IsEncoder())
            return EnsureTinyModel(model);
        var family = EncoderClassifiers.Family(model.Type);
        var options = new TinyEncoderOptions
        {
            Family = family,
            Hidden = tiny.Hidden,
            Layers = tiny.Layers,
            Heads = tiny.Heads,
            Intermediate = tiny.Intermediate,
            MaxTokens = EncoderSettings.ForwardTokens(model, config.Text.MaxTokens),
            VocabSize = tiny.Vocab ?? 0, // at least this; the tokenizer's size decides (below)
            Seed = tiny.Seed,
        };
        // The tokenizer is built from the synthetic notes' words, so the cohort generator's version is in the recipe.
        return EnsureGenerated(model, EncoderConfig.FileName, GeneratedFolder.Recipe($"tiny-encoder+cohort-v{SyntheticCohort.GeneratorVersion}", 1, options), () =>
        {
            var words = SyntheticPhrases.Words();
            int vocab = family switch
            {
                EncoderFamily.Bert => TinyTokenizerFiles.WriteWordPiece(model.Path, words),
                EncoderFamily.Longformer => TinyTokenizerFiles.WriteByteBpe(model.Path, words),
                _ => TinyTokenizerFiles.WriteSentencePiece(model.Path, words),
            };
            TinyEncoderWriter.Write(model.Path, options with { VocabSize = Math.Max(vocab, options.VocabSize) });
        });
    }

    /// <summary><see cref="EnsureTinyModel(ExperimentConfig)"/> for a Llama (<c>model.type: llama</c>), which needs no other settings.</summary>
    public static bool EnsureTinyModel(ModelSettings model)
    {
        if (model.Tiny is not { } tiny)
            return false;
        if (model.Type.IsEncoder())
            throw new InvalidOperationException($"a tiny {TinyModelName(model.Type)} needs the experiment's text settings: call EnsureTinyModel(config)");
        var options = TinyModelOptions(tiny);
        return EnsureGenerated(model, LlamaConfig.FileName, GeneratedFolder.Recipe("tiny-llama", 1, options),
            () => TinyLlamaWriter.Write(model.Path, options, dir => Llama3Tokenizer.WriteEmbeddedTokenizerFiles(dir)));
    }

    // Writes a tiny model unless its folder already has a config file from the same recipe.
    private static bool EnsureGenerated(ModelSettings model, string configFile, string recipe, Action write)
    {
        string kind = GeneratedKind(model.Type);
        if (File.Exists(Path.Combine(model.Path, configFile)) && GeneratedFolder.IsCurrent(model.Path, kind, recipe))
            return false;
        GeneratedFolder.Write(model.Path, kind, $"a tiny random {TinyModelName(model.Type)}", recipe, write);
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
