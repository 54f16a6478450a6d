using LLM4EHR.Config;
using LLM4EHR.Data.Audit;
using LLM4EHR.Data;
using LLM4EHR.Evaluation;
using LLM4EHR.IO;
using LLM4EHR.Models;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Experiments;

/// <summary>
/// Runs an experiment end to end, like the seed's train.py/test.py: demo assets on first use → load and validate
/// the p2x splits → select notes and tokenize (cached) → build the (NF4, LoRA) Llama classifier → train with
/// validation every epoch → reload the best checkpoint → predict and evaluate the test split into
/// <c>RUN_DIR/test/{predictions.csv,metrics.json}</c>. Progress goes out through the two IProgress hooks.
/// </summary>
public sealed class ExperimentRunner(ExperimentConfig config)
{
    public ExperimentConfig Config { get; } = config;

    /// <summary>Stage messages ("loading data", "tokenizing", …).</summary>
    public IProgress<ExperimentStage>? Stages { get; init; }

    /// <summary>Per-step and per-epoch training progress.</summary>
    public IProgress<TrainingProgress>? TrainingProgress { get; init; }

    /// <summary>The data audit's warnings stop the run (<c>train --strict</c>) instead of being reported.</summary>
    public bool StrictAudit { get; init; }

    /// <summary>Bootstrap resamples for the confidence intervals of the final evaluation.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>Where tokenized splits are cached (default: <see cref="DefaultTokenCacheDirectory"/>).</summary>
    public string TokenCacheDirectory { get; init; } = DefaultTokenCacheDirectory;

    /// <summary>Trains into <paramref name="runDir"/> (default: the config's output.run_dir), then evaluates the test split.</summary>
    public ExperimentResult Train(string? runDir = null, bool resume = false, CancellationToken cancellationToken = default)
    {
        runDir = Path.GetFullPath(runDir ?? Config.Output.RunDir);
        // Checked before anything is loaded or written: a refused run must not overwrite the finished run's config.yaml.
        ExperimentPreflight.Check(Config, runDir, resume);
        var compute = ClassifierFactory.ResolveCompute(Config.Model);
        var splits = Prepare();
        var audit = Audit(splits);

        Directory.CreateDirectory(runDir);
        bool modelFolder = SeriesPipeline.NeedsModelFolder(Config);
        if (resume)
        {
            if (modelFolder)
                ExperimentPreflight.RequireSameModel(runDir, Config.Model.Path);
        }
        else
        {
            if (Config.Output.Overwrite && RunLayout.ExistingRunFiles(runDir) is { Count: > 0 } previous)
            {
                Report("replace", $"replacing the previous run in {runDir} (output.overwrite): " +
                                  string.Join(", ", previous.Select(f => Path.GetRelativePath(runDir, f))));
                RunLayout.Clear(runDir);
            }
            ExperimentConfigLoader.Save(Config, RunLayout.Config(runDir));
            if (modelFolder)
                ExperimentPreflight.SaveFingerprint(runDir, Config.Model.Path);
        }
        var series = Series(splits, runDir, fit: !resume);
        Report("model", modelFolder
            ? $"loading {Config.Model.Path} on {compute} [{compute.Reason}]{(Config.Quantization.Nf4 ? " (NF4)" : "")}"
            : $"building {Config.Model.Type.Word()} on {compute}{(Config.Embeddings.Cache is { } cache ? $" (note embeddings from {cache})" : "")}");
        using var model = ClassifierFactory.Build(Config, compute);
        var parameters = Config.Model.Type is ModelType.Llama or ModelType.Belt or ModelType.Longformer or ModelType.Bigbird && modelFolder
            ? ParameterCount.Of(Config) : ParameterCount.Of(model);
        RunProvenance.Start(runDir, Config, splits, compute, resume, audit, parameters.Trainable, parameters.Total);
        var collate = Collate(splits.Tokenizer, series);
        var trainer = new Trainer(model, Config.Training, runDir, collate,
            (probs, labels) => PredictionSets.ValidationMetrics(Config.Task, probs, labels), compute.Device, Config.Text.BucketByLength);

        Report("train", $"{splits.Train.Count} train / {splits.Val.Count} val stays, {Config.Training.Epochs} epochs");
        var result = trainer.Run(splits.Train, splits.Val, resume, TrainingProgress, cancellationToken);
        if (result.Interrupted)
        {
            RunProvenance.Finish(runDir, interrupted: true);
            return new ExperimentResult(runDir, result, null, splits.Summaries);
        }

        TrainedWeights.Load(model, result.BestWeightsPath);
        var test = EvaluateSplit(model, collate, splits.Test, runDir, "test", compute, cancellationToken);
        RunProvenance.Finish(runDir, interrupted: false);
        ModelCard.Write(runDir);
        return new ExperimentResult(runDir, result, test, splits.Summaries);
    }

    /// <summary>
    /// The dry run behind <c>train --check</c>: every check <see cref="Train"/> makes, then the data loaded and tokenized
    /// (through the token cache) and the model's shape read, without loading weights or writing into the run folder.
    /// Demo inputs that do not exist yet are generated, as a real run would.
    /// </summary>
    public ExperimentPlan Check(string? runDir = null, bool resume = false)
    {
        runDir = Path.GetFullPath(runDir ?? Config.Output.RunDir);
        ExperimentPreflight.Check(Config, runDir, resume);
        var compute = ClassifierFactory.ResolveCompute(Config.Model);
        var splits = Prepare();
        Audit(splits);
        if (!SeriesPipeline.NeedsModelFolder(Config))
        {
            using var built = ClassifierFactory.Build(Config, compute);
            long count = ParameterCount.Of(built).Trainable;
            return new ExperimentPlan(runDir, compute.ToString(), splits.Summaries, Trainer.TotalSteps(Config.Training, splits.Train.Count),
                0, 0, count, count * 4 * 4);
        }
        var counts = ParameterCount.Of(Config);
        long trainable = counts.Trainable, baseBytes;
        if (Config.Model.Type.IsEncoder()) // encoders are never NF4: frozen weights at the compute dtype
            baseBytes = (counts.Total - counts.Trainable) * (compute.Dtype == TorchSharp.torch.ScalarType.Float32 ? 4 : 2);
        else
        {
            var weights = Models.Llama.LlamaMemoryEstimate.For(Models.Llama.LlamaConfig.Load(Config.Model.Path));
            baseBytes = Config.Quantization.Nf4 ? weights.Nf4Bytes
                : compute.Dtype == TorchSharp.torch.ScalarType.Float32 ? weights.F32Bytes : weights.Bf16Bytes;
        }
        return new ExperimentPlan(runDir, compute.ToString(), splits.Summaries, Trainer.TotalSteps(Config.Training, splits.Train.Count),
            splits.Summaries[P2xSchema.SplitName(P2xSplit.Train)].Tokens, baseBytes, trainable,
            trainable * 4 * 4); // f32 weight, gradient and two AdamW moments
    }

    /// <summary>
    /// Re-evaluates a trained run (its saved config and best checkpoint) on one split, writing
    /// <c>RUN_DIR/&lt;split&gt;/{predictions.csv,metrics.json}</c>. <paramref name="dataRoot"/> overrides the run's data root;
    /// <paramref name="tokenCacheDirectory"/> the token cache (default: <see cref="DefaultTokenCacheDirectory"/>).
    /// </summary>
    public static EvaluationReport Test(string runDir, P2xSplit split, string? dataRoot = null,
        IProgress<ExperimentStage>? stages = null, int bootstrapResamples = 1000, CancellationToken cancellationToken = default,
        string? tokenCacheDirectory = null)
    {
        runDir = Path.GetFullPath(runDir);
        if (!Directory.Exists(runDir))
            throw new BadInputException($"{runDir}: run folder not found");
        string configPath = RunLayout.Config(runDir);
        if (!File.Exists(configPath))
            throw new BadInputException($"{runDir}: not a run folder (no config.yaml)");
        string best = RunLayout.BestWeights(runDir);
        if (!File.Exists(best))
            throw new BadInputException($"{runDir}: no trained checkpoint ({Path.GetRelativePath(runDir, best)} is missing)");
        var overrides = dataRoot is null ? [] : new[] { $"data.root={dataRoot}", "data.demo=false" };
        var runner = new ExperimentRunner(ExperimentConfigLoader.Load(configPath, overrides))
        {
            Stages = stages,
            BootstrapResamples = bootstrapResamples,
            TokenCacheDirectory = tokenCacheDirectory ?? DefaultTokenCacheDirectory,
        };
        return runner.Evaluate(runDir, split, cancellationToken);
    }

    private EvaluationReport Evaluate(string runDir, P2xSplit split, CancellationToken cancellationToken)
    {
        bool modelFolder = SeriesPipeline.NeedsModelFolder(Config);
        if (modelFolder)
            ExperimentPreflight.RequireSameModel(runDir, Config.Model.Path);
        WarnIfDataChanged(runDir, split);
        var compute = ClassifierFactory.ResolveCompute(Config.Model);
        var tokenizer = SeriesPipeline.NeedsTokens(Config) ? ModelTokenizer.For(Config.Model) : null;
        IReadOnlyList<IcuStay>? raw = tokenizer is null || SeriesPipeline.Applies(Config) ? LoadSplit(split) : null;
        var stays = tokenizer is not null ? Tokenize(split, tokenizer).Stays : SeriesPipeline.WithoutTokens(raw!);
        var series = SeriesPipeline.Applies(Config)
            ? SeriesPipeline.Build(Config, new P2xSplits([], [], raw!), RunLayout.SeriesStandardizer(runDir), fit: false) : null;
        Report("model", modelFolder ? $"loading {Config.Model.Path} on {compute}" : $"building {Config.Model.Type.Word()} on {compute}");
        using var model = ClassifierFactory.Build(Config, compute);
        TrainedWeights.Load(model, RunLayout.BestWeights(runDir));
        return EvaluateSplit(model, Collate(tokenizer, series), stays, runDir, P2xSchema.SplitName(split), compute, cancellationToken);
    }

    /// <summary>The leakage/quality audit of the prepared splits; warnings are reported, or thrown under <see cref="StrictAudit"/>.</summary>
    private AuditReport Audit(PreparedSplits splits)
    {
        var tokenized = new Dictionary<string, TokenizedSplit>
        {
            ["train"] = new(splits.Train, splits.Summaries["train"]),
            ["val"] = new(splits.Val, splits.Summaries["val"]),
            ["test"] = new(splits.Test, splits.Summaries["test"]),
        };
        var report = DataAudit.Run(Config.Task, tokenized, Config.Text.MaxTokens, Config.Data.SubjectPattern);
        if (StrictAudit && report.Warnings.Count > 0)
            throw new BadInputException($"{Config.Data.Root}: data audit (--strict): " + string.Join("; ", report.Warnings.Select(w => $"{w.Split}: {w.Message}")));
        foreach (var warning in report.Warnings)
            Report("audit", $"{warning.Split}: {warning.Message}");
        return report;
    }

    // Re-testing on other data is allowed (e.g. an external cohort), but never silently: run.json knows the file trained on.
    private void WarnIfDataChanged(string runDir, P2xSplit split)
    {
        string name = P2xSchema.SplitName(split), file = P2xDataset.SplitPath(Config.Data.Root, split);
        if (RunProvenance.RecordedSplitHash(runDir, name) is { } recorded && File.Exists(file) && RunProvenance.FileSha256(file) != recorded)
            Report("warning", $"{file} is not the {name} split this run recorded in run.json (sha256 {recorded[..12]}…): the metrics are not comparable with the run's own");
    }

    /// <summary>
    /// Creates demo assets if asked, then loads and tokenizes all three splits (models that read no notes, or read them
    /// from an embedding cache: loads them without tokens, no tokenizer).
    /// </summary>
    public PreparedSplits Prepare() => SeriesPipeline.NeedsTokens(Config) ? PrepareTokens() : PrepareWithoutTokens();

    private PreparedSplits PrepareWithoutTokens()
    {
        if (DemoAssets.EnsureCohort(Config.Task, Config.Data))
            Report("demo", $"wrote a synthetic {Config.Task.Id()} cohort to {Config.Data.Root}");
        var raw = new P2xSplits(LoadSplit(P2xSplit.Train), LoadSplit(P2xSplit.Val), LoadSplit(P2xSplit.Test));
        return new PreparedSplits(null, SeriesPipeline.WithoutTokens(raw.Train), SeriesPipeline.WithoutTokens(raw.Val), SeriesPipeline.WithoutTokens(raw.Test),
            Enum.GetValues<P2xSplit>().ToDictionary(P2xSchema.SplitName, s => SeriesPipeline.Summary(raw[s])))
        { Raw = raw };
    }

    private IReadOnlyList<IcuStay> LoadSplit(P2xSplit split)
    {
        Report("data", $"loading {P2xDataset.SplitPath(Config.Data.Root, split)}");
        return P2xDataset.LoadSplit(Config.Data.Root, Config.Task, split);
    }

    // The series inputs of a series model (standardizer fitted on train and saved, or read back), else null.
    private SeriesPipeline? Series(PreparedSplits splits, string runDir, bool fit)
    {
        if (!SeriesPipeline.Applies(Config))
            return null;
        var raw = splits.Raw ?? new P2xSplits(LoadSplit(P2xSplit.Train), LoadSplit(P2xSplit.Val), LoadSplit(P2xSplit.Test));
        var series = SeriesPipeline.Build(Config, raw, RunLayout.SeriesStandardizer(runDir), fit);
        Report("series", $"{series.Standardizer.Kind}: [{series.Steps} x {series.Width}] per stay, standardized with train statistics ({(fit ? "fitted" : "read back")})");
        return series;
    }

    private Func<IReadOnlyList<TokenizedStay>, StayBatch> Collate(ITextTokenizer? tokenizer, SeriesPipeline? series)
    {
        Func<IReadOnlyList<TokenizedStay>, StayBatch>? tokens = tokenizer is null ? null : TokenCollator.For(tokenizer, Config.Text.PadSide).Collate;
        return series?.Collate(tokens) ?? tokens ?? SeriesPipeline.EmptyTokens;
    }

    /// <summary>Creates demo assets if asked, then loads and tokenizes all three splits with the model folder's tokenizer.</summary>
    public PreparedSplits PrepareTokens()
    {
        if (DemoAssets.EnsureCohort(Config.Task, Config.Data))
            Report("demo", $"wrote a synthetic {Config.Task.Id()} cohort to {Config.Data.Root}");
        if (DemoAssets.EnsureTinyModel(Config))
            Report("demo", $"wrote a tiny random {DemoAssets.TinyModelName(Config.Model.Type)} to {Config.Model.Path}");
        var tokenizer = ModelTokenizer.For(Config.Model);
        var splits = Enum.GetValues<P2xSplit>().ToDictionary(s => s, s => Tokenize(s, tokenizer));
        return new PreparedSplits(tokenizer, splits[P2xSplit.Train].Stays, splits[P2xSplit.Val].Stays, splits[P2xSplit.Test].Stays,
            splits.ToDictionary(kv => P2xSchema.SplitName(kv.Key), kv => kv.Value.Summary));
    }

    private TokenizedSplit Tokenize(P2xSplit split, ITextTokenizer tokenizer)
    {
        string file = P2xDataset.SplitPath(Config.Data.Root, split);
        var cached = new TokenizedSplitCache(TokenCacheDirectory).GetOrCreate(file, tokenizer, Config.Text.ToNoteSelection(),
            () =>
            {
                Report("data", $"loading {file}");
                return P2xDataset.LoadSplit(Config.Data.Root, Config.Task, split);
            });
        Report("tokenize", $"{P2xSchema.SplitName(split)}: {cached.Outcome.ToString().ToLowerInvariant()} ({cached.Split.Summary})");
        return cached.Split;
    }

    private EvaluationReport EvaluateSplit(ISequenceClassifier model, Func<IReadOnlyList<TokenizedStay>, StayBatch> collate, IReadOnlyList<TokenizedStay> stays,
        string runDir, string splitName, ComputeDevice compute, CancellationToken cancellationToken)
    {
        Report("evaluate", $"{splitName}: {stays.Count} stays");
        var predictions = Predictor.Predict(model, stays, collate, Config.Training.EvalBatchSize, compute.Device, cancellationToken);
        var set = PredictionSets.From(Config.Task, predictions);
        var report = Evaluator.Evaluate(Config.Task, set, new EvaluationOptions
        {
            BootstrapResamples = BootstrapResamples,
            SyntheticData = GeneratedFolder.IsSyntheticCohort(Config.Data.Root),
        },
            cancellationToken: cancellationToken);
        string dir = RunLayout.SplitOutputs(runDir, splitName);
        Directory.CreateDirectory(dir);
        PredictionCsv.Write(Path.Combine(dir, "predictions.csv"), set);
        report.WriteJson(Path.Combine(dir, "metrics.json"), includeCurves: true);
        return report;
    }

    /// <summary>Where tokenized splits are cached by default (<see cref="TokenizedSplitCache.DefaultDirectory"/>).</summary>
    public static string DefaultTokenCacheDirectory => TokenizedSplitCache.DefaultDirectory;

    private void Report(string stage, string detail) => Stages?.Report(new ExperimentStage(stage, detail));
}

/// <summary>A step of an experiment run, reported as it starts (front ends print it; the library never does).</summary>
public readonly record struct ExperimentStage(string Name, string Detail);

/// <summary>What a training run produced: the trainer's outcome and, unless interrupted, the test evaluation.</summary>
public sealed record ExperimentResult(
    string RunDir,
    TrainingResult Training,
    EvaluationReport? Test,
    IReadOnlyDictionary<string, TokenizationSummary> Tokenization);
