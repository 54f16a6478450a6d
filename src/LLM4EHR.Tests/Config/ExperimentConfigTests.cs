using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Text;
using LLM4EHR.Tests.Support;

namespace LLM4EHR.Tests.Config;

public class ExperimentConfigTests
{
    private const string Minimal = """
        task: ihm
        data:
          root: data/ihm
        model:
          path: models/llama
        training:
          epochs: 3
          lr: 2e-5
        """;

    public static TheoryData<string> ShippedConfigs() =>
        new(Directory.GetFiles(Path.Combine(RepoRoot.Path, "config"), "*.yaml").Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void Shipped_configs_load_and_round_trip_through_the_saved_form(string file)
    {
        var config = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", file));
        string yaml = ExperimentConfigLoader.ToYaml(config);
        var again = ExperimentConfigLoader.Parse(yaml, "saved.yaml");
        Assert.Equal(yaml, ExperimentConfigLoader.ToYaml(again));
        Assert.Equal(file.Contains("pheno") ? ClinicalTask.Pheno : ClinicalTask.Ihm, config.Task);
    }

    [Fact]
    public void Shipped_configs_carry_the_seed_settings()
    {
        var ihm = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", "ihm.yaml"));
        var pheno = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", "pheno.yaml"));
        Assert.Equal((8000, 4, 5, 2e-5, 0.01, 0.1, 1), (ihm.Text.MaxTokens, ihm.Training.BatchSize, ihm.Training.Epochs,
            ihm.Training.Lr, ihm.Training.WeightDecay, ihm.Training.WarmupRatio, ihm.Training.GradAccum));
        Assert.Equal((8, 32.0, 0.05, true, true, 5), (ihm.Lora.R, ihm.Lora.Alpha, ihm.Lora.Dropout, ihm.Quantization.Nf4,
            ihm.Quantization.DoubleQuant, ihm.Text.MaxNotes));
        Assert.Equal((6000, 2, 16, "auroc_macro"), (pheno.Text.MaxTokens, pheno.Training.GradAccum, pheno.Lora.R, pheno.Training.BestMetric));
        Assert.Equal("auprc", ihm.Training.BestMetric);
        foreach (var c in new[] { ihm, pheno })
        {
            // The seed's note template and empty-stay handling, and peft's Llama default LoRA targets.
            Assert.Equal("### NOTE {i} ###\n{text}", c.Text.Template);
            Assert.Equal(EmptyStayPolicy.KeepBosOnly, c.Text.EmptyNotes);
            Assert.Equal(["q_proj", "v_proj"], c.Lora.Targets);
        }
    }

    [Fact]
    public void Every_key_of_every_shipped_config_has_a_comment()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot.Path, "config"), "*.yaml"))
            foreach (var (line, n) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
            {
                string t = line.Trim();
                bool isLeafKey = t.Length > 0 && !t.StartsWith('#') && t.Contains(':') && !t.EndsWith(':');
                if (isLeafKey)
                    Assert.True(t.Contains(" # "), $"{Path.GetFileName(file)}:{n}: key without a comment: {t}");
            }
    }

    [Fact]
    public void Defaults_fill_in_and_numbers_in_exponent_form_parse()
    {
        var c = ExperimentConfigLoader.Parse(Minimal, "m.yaml");
        Assert.Equal(2e-5, c.Training.Lr);
        Assert.Equal(3, c.Training.Epochs);
        Assert.Equal("auprc", c.Training.BestMetric);
        Assert.Equal(NotePick.First, c.Text.NoteOrder);
        // Text defaults are the text pipeline's (the seed's), so leaving the section out changes nothing.
        var seed = new NoteSelectionSettings();
        Assert.Equal((seed.Template, seed.EmptyStays, seed.Truncation, seed.MaxNotes),
            (c.Text.Template, c.Text.EmptyNotes, c.Text.Truncation, c.Text.MaxNotes));
        Assert.Null(c.Model.Tiny);
        // LoRA on q_proj + v_proj unless targets are named, as peft does for Llama (not on every linear).
        Assert.Equal(["q_proj", "v_proj"], c.Lora.Targets);
        var pheno = ExperimentConfigLoader.Parse(Minimal.Replace("task: ihm", "task: pheno"), "m.yaml");
        Assert.Equal("auroc_macro", pheno.Training.BestMetric);
        // The seed's per-task sequence cap when max_tokens is left out.
        Assert.Equal((8000, 6000), (c.Text.MaxTokens, pheno.Text.MaxTokens));
    }

    [Fact]
    public void Model_type_defaults_to_llama_reads_each_family_and_round_trips_through_the_saved_config()
    {
        Assert.Equal(ModelType.Llama, ExperimentConfigLoader.Parse(Minimal, "m.yaml").Model.Type);
        foreach (var type in Enum.GetValues<ModelType>())
        {
            var c = ExperimentConfigLoader.Parse(Minimal, "m.yaml", [$"model.type={type.Word()}"]);
            Assert.Equal(type, c.Model.Type);
            Assert.Equal(type, ExperimentConfigLoader.Parse(ExperimentConfigLoader.ToYaml(c), "saved.yaml").Model.Type);
        }
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["model.type=gpt"]));
        Assert.Contains("model.type", e.Message);
        Assert.Contains("lstm", e.Message);
    }

    [Fact]
    public void Only_families_that_read_notes_need_a_model_path()
    {
        string noPath = Minimal.Replace("  path: models/llama\n", "  type: lstm\n");
        Assert.Equal(ModelType.Lstm, ExperimentConfigLoader.Parse(noPath, "m.yaml").Model.Type);
        var e = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(noPath.Replace("type: lstm", "type: fusion"), "m.yaml"));
        Assert.Contains("model.path", e.Message);
        Assert.True(ModelType.Fusion.ReadsNotes() && ModelType.Fusion.ReadsSeries());
        Assert.False(ModelType.Belt.ReadsSeries() || ModelType.Logreg.ReadsNotes());
    }

    [Fact]
    public void Lora_defaults_are_the_seeds_r8_alpha32_in_the_config_and_the_adapter_settings_alike()
    {
        var lora = ExperimentConfigLoader.Parse(Minimal, "m.yaml").Lora;
        var adapters = new LLM4EHR.Models.Lora.LoraSettings();
        // One type for the section and the adapters: an omitted section is exactly the adapters' defaults.
        Assert.Equal(adapters, lora);
        Assert.Equal((8, 32.0), (lora.R, lora.Alpha));
        Assert.Equal((adapters.R, adapters.Alpha), (lora.R, lora.Alpha));
        Assert.Equal(adapters.Targets, lora.Targets);
    }

    [Fact]
    public void Text_choices_read_snake_case_and_map_to_note_selection()
    {
        var c = ExperimentConfigLoader.Parse(Minimal, "m.yaml",
            ["text.empty_notes=skip", "text.note_order=last", "text.truncation=keep_end", "text.max_tokens=300", "text.pad_side=left"]);
        Assert.Equal(PaddingSide.Left, c.Text.PadSide);
        var n = c.Text.ToNoteSelection();
        Assert.Equal((NotePick.Last, TruncationSide.KeepEnd, EmptyStayPolicy.Skip, 300, c.Text.Template, c.Text.MaxNotes),
            (n.Pick, n.Truncation, n.EmptyStays, n.MaxTokens, n.Template, n.MaxNotes));
        Assert.Equal(new NoteSelectionSettings().Separator, n.Separator);
        var back = ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["text.empty_notes=keep_bos_only"]);
        Assert.Equal(EmptyStayPolicy.KeepBosOnly, back.Text.EmptyNotes);
        var bad = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["text.empty_notes=bos_only"]));
        Assert.Contains("expected one of keep_bos_only|skip", bad.Message);
    }

    [Theory]
    [InlineData("training:\n  lrr: 1", "x.yaml:7: training.lrr: unknown key")]
    [InlineData("training:\n  lr: abc", "x.yaml:7: training.lr: expected a number, got 'abc'")]
    [InlineData("training:\n  epochs: 2.5", "x.yaml:7: training.epochs: expected a whole number, got '2.5'")]
    [InlineData("training:\n  lr: -1", "x.yaml:7: training.lr: expected a number > 0, got -1")]
    [InlineData("text:\n  truncation: middle", "x.yaml:7: text.truncation: expected one of keep_start|keep_end, got 'middle'")]
    [InlineData("model2:\n  x: 1", "x.yaml:6: model2: unknown key")]
    [InlineData("quantization:\n  double_quant: true", "x.yaml:7: quantization.double_quant: needs nf4")]
    [InlineData("training:\n  pos_weight: [1, 2]", "x.yaml:7: training.pos_weight: expected one number or 1 (one per ihm label), got 2")]
    [InlineData("lora:\n  targets: q_proj", "x.yaml:7: lora.targets: expected a list")]
    [InlineData("training:\n  best_metric: auc", "x.yaml:7: training.best_metric: 'auc' is not a ihm validation metric (expected one of auroc, auprc, f1, accuracy, brier, ece, loss)")]
    public void Bad_values_name_file_line_and_key(string extra, string expected)
    {
        // Lines 1-5 hold task, data and model; the extra section starts on line 6.
        string yaml = "task: ihm\ndata:\n  root: data/ihm\nmodel:\n  path: models/llama\n" + extra;
        var ex = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(yaml, "x.yaml"));
        Assert.StartsWith(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Overrides_apply_with_dotted_keys_and_are_validated_like_file_values()
    {
        var c = ExperimentConfigLoader.Parse(Minimal, "m.yaml",
            ["training.lr=1e-4", "lora.targets=[q_proj, v_proj]", "model.tiny.hidden=32", "training.pos_weight=3"]);
        Assert.Equal(1e-4, c.Training.Lr);
        Assert.Equal(["q_proj", "v_proj"], c.Lora.Targets);
        Assert.Equal(32, c.Model.Tiny!.Hidden);
        Assert.Equal([3.0], c.Training.PosWeight!);

        var bad = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["training.lr=abc"]));
        Assert.Equal("--set training.lr=abc: training.lr: expected a number, got 'abc'", bad.Message);
        var unknown = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["training.lrr=1"]));
        Assert.StartsWith("--set training.lrr=1: training.lrr: unknown key", unknown.Message);
        Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["training.lr"]));
    }

    [Fact]
    public void Missing_required_values_and_broken_yaml_are_one_line_errors()
    {
        var noTask = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse(Minimal.Replace("task: ihm\n", ""), "m.yaml"));
        Assert.StartsWith("m.yaml:1: task: required", noTask.Message);
        var broken = Assert.Throws<BadInputException>(() => ExperimentConfigLoader.Parse("task: ihm\ndata: [a\n", "b.yaml"));
        Assert.StartsWith("b.yaml:", broken.Message);
        Assert.Contains("invalid YAML", broken.Message);
    }

    [Fact]
    public void Save_writes_a_file_the_loader_reads_back_identically()
    {
        string dir = Directory.CreateTempSubdirectory("cfg-").FullName;
        try
        {
            var c = ExperimentConfigLoader.Parse(Minimal, "m.yaml", ["text.template=Note: {text}", "data.root=true"]);
            string path = Path.Combine(dir, "run", "config.yaml");
            ExperimentConfigLoader.Save(c, path);
            var back = ExperimentConfigLoader.Load(path);
            Assert.Equal("Note: {text}", back.Text.Template);
            Assert.Equal("true", back.Data.Root);
            Assert.Equal(ExperimentConfigLoader.ToYaml(c), ExperimentConfigLoader.ToYaml(back));
            Assert.Equal(["config.yaml"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
