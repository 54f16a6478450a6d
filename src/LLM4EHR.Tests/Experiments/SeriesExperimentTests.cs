using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Data.Series;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Fusion;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Support;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// The time-series families, fusion and the frozen-embedding cache end to end on the sandbox's small cohort: train,
/// run folder, re-test, resume; series models need no model folder or tokenizer.
/// </summary>
[Collection(ExperimentCollection.Name)]
public sealed class SeriesExperimentTests(ExperimentSandbox sandbox)
{
    /// <summary>A series-only experiment on the sandbox cohort, with no model.path at all.</summary>
    private ExperimentConfig SeriesConfig(string type, string run, params string[] overrides) => ExperimentConfigLoader.Parse($"""
        task: ihm
        data:
          root: "{sandbox.DataRoot}"
          demo: true
          demo_stays: 120
          demo_seed: 3
        model:
          type: {type}
          device: cpu
          dtype: float32
        series:
          hidden: 16
          layers: 2
        training:
          epochs: 2
          batch_size: 8
          eval_batch_size: 16
          lr: 3e-3
          weight_decay: 0
          warmup_ratio: 0
          seed: 42
          best_metric: auprc
        output:
          run_dir: "{sandbox.RunDir(run)}"
        """, $"{type}.yaml", overrides);

    [Theory]
    [InlineData("lstm")]
    [InlineData("cnn")]
    [InlineData("logreg")]
    public void A_series_model_trains_tests_and_needs_no_model_folder(string type)
    {
        var config = SeriesConfig(type, type);
        Assert.Equal("", config.Model.Path);
        var stages = new List<ExperimentStage>();
        var result = sandbox.Runner(config, stages: new InlineProgress<ExperimentStage>(stages.Add)).Train();

        Assert.DoesNotContain(stages, s => s.Name == "tokenize");
        Assert.Equal(2 * 15, result.Training.Steps);
        Assert.InRange(result.Test!["auroc"]!.Value, 0.0, 1.0);
        string run = result.RunDir;
        Assert.True(File.Exists(RunLayout.SeriesStandardizer(run)));
        Assert.False(File.Exists(RunLayout.ModelFingerprint(run)));
        var names = ExperimentSandbox.SavedTensorNames(run);
        Assert.Contains("head.weight", names);
        if (type == "logreg")
            Assert.Equal(["head.bias", "head.weight"], names.Order());
        else
            Assert.Contains(names, n => n.StartsWith("backbone.", StringComparison.Ordinal));

        string metrics = File.ReadAllText(Path.Combine(run, "test", "metrics.json"));
        var report = ExperimentRunner.Test(run, P2xSplit.Test, bootstrapResamples: ExperimentSandbox.Bootstrap, tokenCacheDirectory: sandbox.CacheDirectory);
        Assert.Equal(metrics, report.ToJson(includeCurves: true));
    }

    [Theory]
    [InlineData("demo-ihm-lstm.yaml")]
    [InlineData("demo-ihm-logreg.yaml")]
    [InlineData("demo-pheno-lstm.yaml")]
    public void The_shipped_series_demo_config_trains_and_tests_through_the_cli(string file)
    {
        bool pheno = file.Contains("pheno");
        string run = sandbox.RunDir("cli-" + file);
        string data = pheno ? Path.Combine(sandbox.Root, "data-pheno") : sandbox.DataRoot;
        var (code, stderr) = ExperimentCommandTests.Run("train", "--config", Path.Combine(RepoRoot.Path, "config", file), "--out", run,
            "--set", $"data.root={data}", "--set", "data.demo_stays=120", "--set", "data.demo_seed=3",
            "--set", "series.hidden=16", "--set", "series.layers=1", "--set", "training.epochs=1");
        Assert.True(code == 0, stderr);
        string metrics = File.ReadAllText(Path.Combine(run, "test", "metrics.json"));
        var (testCode, testErr) = ExperimentCommandTests.Run("test", "--run", run, "--bootstrap", "1000");
        Assert.True(testCode == 0, testErr);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
        Assert.Contains(pheno ? "auroc_macro" : "auroc", metrics);
    }

    [Fact]
    public void Embed_through_the_cli_writes_the_cache_and_refuses_a_file_it_did_not_write()
    {
        string config = Path.Combine(sandbox.Root, "embed.yaml");
        File.WriteAllText(config, sandbox.Yaml);
        string cache = Path.Combine(sandbox.Root, "embeddings", "cli.safetensors");
        var (code, stderr) = ExperimentCommandTests.Run("embed", "--config", config, "--out", cache);
        Assert.True(code == 0, stderr);
        Assert.True(NoteEmbeddingCache.Load(cache, "ihm").Count > 0);

        string other = Path.Combine(sandbox.Root, "embeddings", "mine.safetensors");
        File.WriteAllText(other, "not a cache");
        var (refused, err) = ExperimentCommandTests.Run("embed", "--config", config, "--out", other);
        Assert.Equal(LLM4EHR.Cli.ErrorReporter.BadInput, refused);
        Assert.Contains("is not a note-embedding cache", err);
        Assert.Equal("not a cache", File.ReadAllText(other));
    }

    [Fact]
    public void A_killed_lstm_run_resumes_to_the_same_weights_and_metrics()
    {
        var expected = sandbox.Runner(SeriesConfig("lstm", "lstm-whole")).Train();
        string run = sandbox.RunDir("lstm-killed");
        using var kill = new CancellationTokenSource();
        var killAt = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Phase == TrainingPhase.Train && p.Step == 20) kill.Cancel();    // in epoch 2
        });
        var cut = sandbox.Runner(SeriesConfig("lstm", "lstm-killed"), killAt).Train(run, cancellationToken: kill.Token);
        Assert.True(cut.Training.Interrupted);
        string stats = File.ReadAllText(RunLayout.SeriesStandardizer(run));

        var resumed = sandbox.Runner(SeriesConfig("lstm", "lstm-killed")).Train(run, resume: true);

        Assert.Equal(stats, File.ReadAllText(RunLayout.SeriesStandardizer(run)));      // read back, not refitted
        Assert.Equal(expected.Training.BestMetrics, resumed.Training.BestMetrics);
        Assert.Equal(File.ReadAllBytes(RunLayout.BestWeights(expected.RunDir)), File.ReadAllBytes(RunLayout.BestWeights(run)));
        Assert.Equal(File.ReadAllText(Path.Combine(expected.RunDir, "test", "metrics.json")), File.ReadAllText(Path.Combine(run, "test", "metrics.json")));
    }

    [Fact]
    public void Test_standardizes_with_the_runs_saved_train_statistics()
    {
        var result = sandbox.Runner(SeriesConfig("lstm", "lstm-stats", "training.epochs=1")).Train();
        string path = RunLayout.SeriesStandardizer(result.RunDir);
        var saved = ColumnStandardizer.Load(path, RegularSeriesInputs.Kind, SeriesChannels.Names);
        var train = P2xDataset.LoadSplit(sandbox.DataRoot, ClinicalTask.Ihm, P2xSplit.Train);
        Assert.Equal(RegularSeriesInputs.Fit(train).Mean, saved.Mean);

        // Shift the saved means: re-testing must use them (different predictions), not refit on the data.
        string before = File.ReadAllText(Path.Combine(result.RunDir, "test", "predictions.csv"));
        (saved with { Mean = [.. saved.Mean.Select(m => m + 3)] }).Save(path);
        ExperimentRunner.Test(result.RunDir, P2xSplit.Test, bootstrapResamples: 0, tokenCacheDirectory: sandbox.CacheDirectory);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(result.RunDir, "test", "predictions.csv")));

        File.Delete(path);
        var e = Assert.Throws<BadInputException>(() => ExperimentRunner.Test(result.RunDir, P2xSplit.Test, tokenCacheDirectory: sandbox.CacheDirectory));
        Assert.Contains("series-standardizer.json", e.Message);
    }

    [Fact]
    public void Fusion_trains_end_to_end_with_lora_and_the_series_encoder()
    {
        var config = sandbox.Config("model.type=fusion", "series.hidden=16", "series.layers=1", $"output.run_dir={sandbox.RunDir("fusion")}");
        var result = sandbox.Runner(config).Train();
        var names = ExperimentSandbox.SavedTensorNames(result.RunDir);
        Assert.Contains(names, n => n.StartsWith("lora.", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("backbone.series.", StringComparison.Ordinal));
        Assert.Contains("head.weight", names);
        Assert.DoesNotContain(names, n => n.Contains("embed_tokens", StringComparison.Ordinal)); // the Llama stays frozen
        string metrics = File.ReadAllText(Path.Combine(result.RunDir, "test", "metrics.json"));
        var report = ExperimentRunner.Test(result.RunDir, P2xSplit.Test, bootstrapResamples: ExperimentSandbox.Bootstrap, tokenCacheDirectory: sandbox.CacheDirectory);
        Assert.Equal(metrics, report.ToJson(includeCurves: true));
    }

    [Fact]
    public void Embed_writes_every_stay_once_and_probe_and_fusion_train_from_the_cache()
    {
        string cache = Path.Combine(sandbox.Root, "embeddings", "ihm.safetensors");
        var config = sandbox.Config("lora.enabled=false", $"embeddings.cache={cache}");
        var (stays, hidden) = NoteEmbedder.Write(config, cache);
        var all = P2xDataset.LoadAll(sandbox.DataRoot, ClinicalTask.Ihm);
        Assert.Equal(all.Train.Count + all.Val.Count + all.Test.Count, stays);
        Assert.Equal(32, hidden);
        var loaded = NoteEmbeddingCache.Load(cache, "ihm");
        Assert.All(all.Test, s => Assert.True(loaded.Contains(s.Name)));

        // The cached vector is the live frozen Llama's mean-pooled state of the same stay.
        var probe = sandbox.Runner(config with { Output = config.Output with { RunDir = sandbox.RunDir("probe") } }).Train();
        Assert.Equal(["head.bias", "head.weight"], ExperimentSandbox.SavedTensorNames(probe.RunDir).Order());
        Assert.InRange(probe.Test!["auroc"]!.Value, 0.0, 1.0);

        var fusion = sandbox.Runner(sandbox.Config("model.type=fusion", "lora.enabled=false", $"embeddings.cache={cache}",
            "series.hidden=16", "series.layers=1", $"output.run_dir={sandbox.RunDir("fusion-cached")}")).Train();
        Assert.Contains(ExperimentSandbox.SavedTensorNames(fusion.RunDir), n => n.StartsWith("backbone.series.", StringComparison.Ordinal));

        var e = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config("lora.enabled=true", $"embeddings.cache={cache}",
            $"output.run_dir={sandbox.RunDir("probe-lora")}")).Train());
        Assert.StartsWith("lora.enabled:", e.Message);
    }

    [Fact]
    public void The_cached_embedding_equals_the_live_pooled_state()
    {
        string cache = Path.Combine(sandbox.Root, "embeddings", "check.safetensors");
        var config = sandbox.Config("lora.enabled=false");
        NoteEmbedder.Write(config, cache);
        var loaded = NoteEmbeddingCache.Load(cache, "ihm");
        var splits = sandbox.Runner(config).Prepare();
        var compute = ClassifierFactory.ResolveCompute(config.Model);
        using var llama = ClassifierFactory.LoadLlama(config.Model.Path, config.Quantization, false, compute);
        var stay = splits.Test[0];
        using var batch = LLM4EHR.Text.TokenCollator.For(splits.Tokenizer!).Collate([stay]);
        using var noGrad = TorchSharp.torch.no_grad();
        var (h, m) = ((LLM4EHR.Models.IBackbone)llama).Encode(batch);
        using var pooled = LLM4EHR.Models.PooledClassifierHead.MaskedMean(h, m);
        float[] live = pooled.data<float>().ToArray();
        float[] cached = loaded.Get(stay.Name);
        Assert.Equal(live.Length, cached.Length);
        for (int i = 0; i < live.Length; i++)
            Assert.Equal(live[i], cached[i], 4);
    }
}
