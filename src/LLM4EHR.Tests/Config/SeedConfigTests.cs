using LLM4EHR.Config;
using LLM4EHR.Tests.Experiments;

namespace LLM4EHR.Tests.Config;

/// <summary>Configs of the Python seed load as they are, mapped key by key, and import to equivalent native YAML.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class SeedConfigTests(ExperimentSandbox sandbox)
{
    // The key set of the seed's config/ihm_llama3_8b.yaml (model path and data root as a user would set them).
    private static string SeedYaml(string model) => $"""
        train_pkl: ${"{"}LLM4EHR_TEST_DATA_ROOT{"}"}/ihm/train_p2x_data.pkl
        val_pkl: ${"{"}LLM4EHR_TEST_DATA_ROOT{"}"}/ihm/val_p2x_data.pkl
        test_pkl: ${"{"}LLM4EHR_TEST_DATA_ROOT{"}"}/ihm/test_p2x_data.pkl

        save_path: models/ihm_model

        max_seq_len: 8000
        batch_size: 4
        num_epochs: 5
        lr: 2e-5
        weight_decay: 0.01
        warmup_ratio: 0.1
        grad_accum: 1
        pretrained_meta_model: {model}
        use_4bit: false
        lora:
          r: 8
          lora_alpha: 32
          lora_dropout: 0.05
        model_type: llama
        task: ihm
        num_labels: 1
        wandb: true
        mixed_precision: "fp16"  # no, fp16, bf16
        """;

    [Fact]
    public void A_seed_config_maps_to_the_native_settings_and_notes_what_it_ignores()
    {
        Environment.SetEnvironmentVariable("LLM4EHR_TEST_DATA_ROOT", "/data");
        var c = ExperimentConfigLoader.Parse(SeedYaml("/models/llama3"), "ihm_llama3_8b.yaml");

        Assert.Equal(("/data/ihm", false), (c.Data.Root, c.Data.Demo));
        Assert.Equal(("/models/llama3", "auto"), (c.Model.Path, c.Model.Dtype));
        Assert.False(c.Quantization.Nf4);
        Assert.Equal((true, 8, 32.0, 0.05), (c.Lora.Enabled, c.Lora.R, c.Lora.Alpha, c.Lora.Dropout));
        Assert.Equal((8000, LLM4EHR.Text.PaddingSide.Left, false), (c.Text.MaxTokens, c.Text.PadSide, c.Text.BucketByLength));
        var t = c.Training;
        Assert.Equal((5, 4, 4, 1, 2e-5, 0.01, 0.1), (t.Epochs, t.BatchSize, t.EvalBatchSize, t.GradAccum, t.Lr, t.WeightDecay, t.WarmupRatio));
        Assert.Equal((42, "f1", 0.0), (t.Seed, t.BestMetric, t.MaxGradNorm));    // the seed's choices
        Assert.Equal("models/ihm_model", c.Output.RunDir);
        Assert.Contains(c.ImportNotes, n => n.StartsWith("wandb: ignored"));
    }

    [Theory]
    [InlineData("ihm", 8000, 1, 8, "fp16")]
    [InlineData("pheno", 6000, 2, 16, "bf16")]
    public void The_seed_presets_are_exactly_what_importing_the_seeds_own_configs_gives(string task, int maxLen, int accum, int r, string mixed)
    {
        Environment.SetEnvironmentVariable("LLM4EHR_TEST_DATA_ROOT", "/data");
        // The seed's config/{task}_llama3_8b.yaml values.
        string seed = SeedYaml("/m").Replace("/ihm/", $"/{task}/").Replace("task: ihm", $"task: {task}")
            .Replace("num_labels: 1", $"num_labels: {(task == "ihm" ? 1 : 25)}").Replace("max_seq_len: 8000", $"max_seq_len: {maxLen}")
            .Replace("grad_accum: 1", $"grad_accum: {accum}").Replace("r: 8", $"r: {r}").Replace("\"fp16\"", $"\"{mixed}\"");
        string[] paths = ["data.root=/data", "model.path=/m", "output.run_dir=runs/x"];

        var imported = ExperimentConfigLoader.Parse(seed, $"{task}_llama3_8b.yaml", paths);
        var preset = ExperimentConfigLoader.Load(Path.Combine(Support.RepoRoot.Path, "config", $"seed-{task}.yaml"), paths);

        Assert.Equal(ConfigDiff.Flatten(imported), ConfigDiff.Flatten(preset));
    }

    [Theory]
    [InlineData("num_epoch: 5", "ihm_llama3_8b.yaml:9: num_epoch: unknown seed key (did you mean num_epochs?)")]
    [InlineData("hidden_dim: 128", "ihm_llama3_8b.yaml:9: hidden_dim: belongs to a seed model type not implemented here")]
    [InlineData("lr: fast", "ihm_llama3_8b.yaml:10 (seed key lr): training.lr: expected a number, got 'fast'")]
    public void Seed_config_mistakes_name_the_file_line_and_seed_key(string replacement, string expected)
    {
        Environment.SetEnvironmentVariable("LLM4EHR_TEST_DATA_ROOT", "/data");
        var lines = SeedYaml("/m").Split('\n').ToList();
        if (replacement.StartsWith("lr:"))
            lines[lines.FindIndex(l => l.StartsWith("lr:"))] = replacement;
        else
            lines[lines.FindIndex(l => l.StartsWith("num_epochs:"))] = replacement;
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(string.Join('\n', lines), "ihm_llama3_8b.yaml"));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void An_unset_data_root_variable_is_named()
    {
        Environment.SetEnvironmentVariable("LLM4EHR_TEST_DATA_ROOT", null);
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(SeedYaml("/m"), "s.yaml"));
        Assert.Equal("s.yaml:1: train_pkl: environment variable LLM4EHR_TEST_DATA_ROOT is not set (used in '${LLM4EHR_TEST_DATA_ROOT}/ihm/train_p2x_data.pkl')", e.Message);
    }

    [Fact]
    public void A_seed_config_trains_on_the_demo_data_and_imports_to_an_equivalent_native_config()
    {
        // DATA_ROOT/ihm holds the demo cohort, as the seed's layout expects; the model is the sandbox's tiny Llama.
        sandbox.Runner(sandbox.Config()).Prepare();
        string dataRoot = Path.Combine(sandbox.Root, "seed-data");
        Directory.CreateDirectory(Path.Combine(dataRoot, "ihm"));
        foreach (var file in Directory.GetFiles(sandbox.DataRoot, "*.pkl"))
            File.Copy(file, Path.Combine(dataRoot, "ihm", Path.GetFileName(file)), overwrite: true);
        Environment.SetEnvironmentVariable("LLM4EHR_TEST_DATA_ROOT", dataRoot);
        string seedPath = Path.Combine(sandbox.Root, "ihm_llama3_8b.yaml");
        File.WriteAllText(seedPath, SeedYaml(sandbox.ModelPath));
        string[] quick = ["training.epochs=1", "text.max_tokens=128", $"output.run_dir={sandbox.RunDir("seed")}"];

        var result = sandbox.Runner(ExperimentConfigLoader.Load(seedPath, quick)).Train();
        Assert.InRange(result.Test!["auroc"]!.Value, 0.0, 1.0);

        string native = Path.Combine(sandbox.Root, "imported.yaml");
        var (code, stderr) = ExperimentCommandTests.Run("config", "import", seedPath, "--out", native);
        Assert.True(code == 0, stderr);
        Assert.Equal(ConfigDiff.Flatten(ExperimentConfigLoader.Load(seedPath, quick)), ConfigDiff.Flatten(ExperimentConfigLoader.Load(native, quick)));
    }
}
