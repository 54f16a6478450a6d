using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.IO;
using LLM4EHR.Models.Llama;
using LLM4EHR.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>
/// Everything that can be checked before expensive work starts (loading a split, tokenizing, loading weights):
/// the data and model files are there or the demo may generate them, the run folder is free (or resumable), and a
/// resumed run keeps the settings it was started with. Each failure is one <see cref="BadInputException"/>.
/// Reads only: nothing is written.
/// </summary>
public static class ExperimentPreflight
{
    public static void Check(ExperimentConfig config, string runDir, bool resume)
    {
        CheckRunFolder(config, runDir, resume);
        CheckData(config.Data);
        if (SeriesPipeline.NeedsModelFolder(config))
            CheckModel(config.Model);
        if (config.Embeddings.Cache is { } cache && !File.Exists(cache))
            throw new BadInputException($"embeddings.cache: {cache}: not found (write it first: llm4ehr embed --config <this config>)");
    }

    private static void CheckRunFolder(ExperimentConfig config, string runDir, bool resume)
    {
        if (!resume)
        {
            if (!config.Output.Overwrite)
                RunLayout.RequireFresh(runDir);
            return;
        }
        string state = RunLayout.ResumeState(runDir);
        if (!File.Exists(state))
            throw new BadInputException($"{runDir}: no resume checkpoint ({Path.GetRelativePath(runDir, state)}); start the run without --resume");
        string savedPath = RunLayout.Config(runDir);
        if (!File.Exists(savedPath))
            throw new BadInputException($"{runDir}: cannot resume: the run's config.yaml is missing");
        var changes = ConfigDiff.ResultChanges(ExperimentConfigLoader.Load(savedPath), config);
        if (changes.Count > 0)
            throw new BadInputException($"{savedPath}: cannot resume with different settings: " +
                string.Join("; ", changes.Select(c => $"{c.Key}: run has {c.Saved ?? "(none)"}, now {c.Current ?? "(none)"}")) +
                " (resume with the run's own config: train --resume --out RUN_DIR)");
    }

    private static void CheckData(DataSettings data)
    {
        var missing = Enum.GetValues<P2xSplit>().Select(s => P2xDataset.SplitPath(data.Root, s)).Where(f => !File.Exists(f)).ToList();
        if (missing.Count == 0)
            return;
        if (data.Demo)
        {
            // The demo will generate the cohort: refuse now (not after tokenizing) if the folder is the user's.
            GeneratedFolder.RequireWritable(data.Root, GeneratedFolder.SyntheticCohort, "a synthetic demo cohort");
            return;
        }
        throw new BadInputException($"data.root: {data.Root}: missing {string.Join(", ", missing.Select(Path.GetFileName))} " +
                                    "(expected train_p2x_data.pkl, val_p2x_data.pkl and test_p2x_data.pkl)");
    }

    private static void CheckModel(ModelSettings model)
    {
        bool hasConfig = File.Exists(Path.Combine(model.Path, LlamaConfig.FileName));
        if (!hasConfig && model.Tiny is not null)
        {
            GeneratedFolder.RequireWritable(model.Path, DemoAssets.GeneratedKind(model.Type), $"a tiny random {DemoAssets.TinyModelName(model.Type)}");
            return;
        }
        if (!Directory.Exists(model.Path))
            throw new BadInputException($"model.path: {model.Path}: model folder not found" + (LooksLikeHubId(model.Path)
                ? " (it looks like a Hugging Face Hub id: nothing is downloaded at run time; download the model and give its local folder)" : ""));
        if (!hasConfig)
            throw new BadInputException($"model.path: {model.Path}: no config.json (expected a Hugging Face model folder)");
        if (model.Type.IsEncoder())
            Models.Encoders.EncoderLoader.WeightFiles(model.Path); // refuses pytorch_model.bin-only folders with a hint
        LlamaLoader.ShardFiles(model.Path); // throws naming the missing weight file or shard
        ModelTokenizer.RequireFiles(model);
    }

    private static bool LooksLikeHubId(string path) =>
        !Path.IsPathRooted(path) && path.Count(c => c == '/') == 1 && !path.StartsWith('.') && !path.EndsWith('/');

    /// <summary>Records the base model a run trains on (after the demo may have created it).</summary>
    public static void SaveFingerprint(string runDir, string modelDir) =>
        AtomicFile.WriteAllText(RunLayout.ModelFingerprint(runDir), ModelFingerprint.Of(modelDir) + "\n");

    /// <summary>Refuses to evaluate a run with a base model other than the one it trained on.</summary>
    public static void RequireSameModel(string runDir, string modelDir)
    {
        string path = RunLayout.ModelFingerprint(runDir);
        if (!File.Exists(path))
            return; // runs made before fingerprints were kept
        string saved = File.ReadAllText(path).Trim();
        string now = ModelFingerprint.Of(modelDir);
        if (saved != now)
            throw new BadInputException($"{modelDir}: not the base model run {runDir} was trained on " +
                                        $"(config.json/safetensors headers differ: run {saved[..19]}…, folder {now[..19]}…)");
    }
}
