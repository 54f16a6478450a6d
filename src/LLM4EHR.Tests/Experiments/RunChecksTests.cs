using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Support;
using LLM4EHR.Tests.Text;
using LLM4EHR.Training;

namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// Everything that can be checked is checked before expensive work: missing files, a resume with changed settings,
/// a test against another base model; and <c>train --check</c> plans without training or writing the run folder.
/// </summary>
[Collection(ExperimentCollection.Name)]
public sealed class RunChecksTests(ExperimentSandbox sandbox) : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_missing_split_is_reported_before_any_split_is_loaded_or_tokenized()
    {
        sandbox.Runner(sandbox.Config()).Prepare();
        string data = Directory.CreateDirectory(_dir.File("two-splits")).FullName;
        foreach (var split in new[] { P2xSplit.Train, P2xSplit.Test })
            File.Copy(P2xDataset.SplitPath(sandbox.DataRoot, split), P2xDataset.SplitPath(data, split));
        var stages = new List<ExperimentStage>();
        var runner = new ExperimentRunner(sandbox.Config($"data.root={data}", "data.demo=false"))
        {
            TokenCacheDirectory = _dir.File("fresh-cache"),
            Stages = new InlineProgress<ExperimentStage>(stages.Add),
        };

        var e = Assert.Throws<BadInputException>(() => runner.Train(sandbox.RunDir("missing-val")));

        Assert.Equal($"data.root: {data}: missing val_p2x_data.pkl (expected train_p2x_data.pkl, val_p2x_data.pkl and test_p2x_data.pkl)", e.Message);
        Assert.Empty(stages);   // no "loading"/"tokenize" stage ran
        Assert.False(Directory.Exists(_dir.File("fresh-cache")));
        Assert.False(Directory.Exists(sandbox.RunDir("missing-val")));
    }

    [Fact]
    public void A_missing_model_folder_is_reported_before_data_is_loaded()
    {
        var stages = new List<ExperimentStage>();
        string model = _dir.File("no-such-model");
        var runner = sandbox.Runner(sandbox.Config($"model.path={model}", "model.tiny=null"), stages: new InlineProgress<ExperimentStage>(stages.Add));

        var e = Assert.Throws<BadInputException>(() => runner.Train(sandbox.RunDir("missing-model")));

        Assert.Equal($"model.path: {model}: model folder not found", e.Message);
        Assert.Empty(stages);
    }

    [Fact]
    public void The_data_audit_warns_at_train_start_and_strict_makes_its_warnings_errors()
    {
        // The small cohort's 30 validation stays hold fewer than 10 IHM positives: an unreliable validation AUROC.
        var stages = new List<ExperimentStage>();
        sandbox.Runner(sandbox.Config(), stages: new InlineProgress<ExperimentStage>(stages.Add)).Check(sandbox.RunDir("audited"));
        Assert.Contains(stages, s => s.Name == "audit" && s.Detail.StartsWith("val: label 0 (In-hospital mortality):"));

        var strict = new ExperimentRunner(sandbox.Config()) { TokenCacheDirectory = sandbox.CacheDirectory, StrictAudit = true };
        var e = Assert.Throws<BadInputException>(() => strict.Train(sandbox.RunDir("strict")));
        Assert.Contains("data audit (--strict)", e.Message);
        Assert.False(Directory.Exists(sandbox.RunDir("strict")));
    }

    [Fact]
    public void Check_plans_the_run_without_training_or_touching_the_run_folder()
    {
        string run = sandbox.RunDir("checked");

        var plan = sandbox.Runner(sandbox.Config()).Check(run);

        Assert.Equal((120, 30, 30), (plan.Stays("train"), plan.Stays("val"), plan.Stays("test")));
        Assert.Equal(2 * 15, plan.OptimizerSteps);                     // 2 epochs × ceil(120 / 8)
        Assert.Equal(plan.Splits["train"].Tokens, plan.TrainTokensPerEpoch);
        var shape = LlamaConfig.Load(sandbox.ModelPath);
        long lora = 2 * (4 * (32 + 32) + 4 * (32 + 16));                 // 2 layers × (q: 32→32, v: 32→16) at r 4
        Assert.Equal(lora + shape.HiddenSize + 1, plan.TrainableParameters);
        Assert.Equal(LlamaMemoryEstimate.For(shape).F32Bytes, plan.BaseWeightBytes);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Check_through_the_cli_exits_0_and_writes_no_run_folder()
    {
        string config = Path.Combine(sandbox.Root, "check.yaml");
        File.WriteAllText(config, sandbox.Yaml);
        string run = sandbox.RunDir("cli-checked");
        var (code, stderr) = ExperimentCommandTests.Run("train", "--config", config, "--out", run, "--check");
        Assert.True(code == 0, stderr);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Resume_refuses_changed_settings_naming_the_keys_and_accepts_output_only_changes()
    {
        string run = Interrupted("resume-settings");
        string before = File.ReadAllText(RunLayout.Config(run));

        var task = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config([.. Short, "task=pheno", "training.best_metric=auroc_macro"])).Train(run, resume: true));
        Assert.Contains("cannot resume with different settings", task.Message);
        Assert.Contains("task: run has ihm, now pheno", task.Message);
        var lr = Assert.Throws<BadInputException>(() => sandbox.Runner(sandbox.Config([.. Short, "training.lr=1e-2"])).Train(run, resume: true));
        Assert.Contains("training.lr: run has 0.003, now 0.01", lr.Message);
        Assert.Equal(before, File.ReadAllText(RunLayout.Config(run)));

        var resumed = sandbox.Runner(sandbox.Config([.. Short, "training.threads=1", "training.checkpoint_every_steps=5"])).Train(run, resume: true);
        Assert.False(resumed.Training.Interrupted);
    }

    [Fact]
    public void The_printed_resume_command_works_without_config()
    {
        string run = Interrupted("resume-cli");
        using var cache = new EnvironmentOverride("LLM4EHR_CACHE", sandbox.CacheDirectory);   // safe: this collection runs alone
        var (code, stderr) = ExperimentCommandTests.Run("train", "--resume", "--out", run);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(run, "test", "metrics.json")));
    }

    [Fact]
    public void Test_refuses_a_base_model_other_than_the_one_the_run_trained_on()
    {
        string model = _dir.File("model-copy");
        FileHash.CopyTree(sandbox.ModelPath, model);
        var trained = sandbox.Runner(sandbox.Config($"model.path={model}", "training.epochs=1", "lora.enabled=false")).Train(sandbox.RunDir("fingerprinted"));
        Assert.True(File.Exists(RunLayout.ModelFingerprint(trained.RunDir)));
        // Another model in the same folder (here a different MLP width, as another checkpoint would have).
        Directory.Delete(model, recursive: true);
        DemoAssetsTinyModel(model, intermediate: 96);

        var e = Assert.Throws<BadInputException>(() => ExperimentRunner.Test(trained.RunDir, P2xSplit.Test, tokenCacheDirectory: sandbox.CacheDirectory));

        Assert.StartsWith($"{model}: not the base model run {trained.RunDir} was trained on", e.Message);
    }

    private void DemoAssetsTinyModel(string path, int intermediate) =>
        DemoAssets.EnsureTinyModel(new ModelSettings(path, new TinyLlamaSettings(32, 2, 4, 2, intermediate, null, 5), "cpu", "float32", false));

    private static readonly string[] Short = ["training.epochs=1", "lora.enabled=false"];

    // A copy of the small run stopped after 5 optimizer steps (a resume checkpoint, no test results).
    private string Interrupted(string name)
    {
        string run = sandbox.RunDir(name);
        using var kill = new CancellationTokenSource();
        var killAt = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Phase == TrainingPhase.Train && p.Step == 5) kill.Cancel();
        });
        var cut = sandbox.Runner(sandbox.Config(Short), killAt).Train(run, cancellationToken: kill.Token);
        Assert.True(cut.Training.Interrupted);
        return run;
    }
}
