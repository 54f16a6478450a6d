using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Data.Synthetic;
using LLM4EHR.Experiments;
using LLM4EHR.IO;
using LLM4EHR.Models.Llama;
using LLM4EHR.Text;
using LLM4EHR.Tests.Support;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Experiments;

/// <summary>Demo inputs are written once, in the real formats, and left alone afterwards unless their recipe changed.</summary>
public sealed class DemoAssetsTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_cohort_is_written_once_then_reused()
    {
        var data = new DataSettings(_dir.File("ihm"), Demo: true, DemoStays: 40, DemoSeed: 1);

        Assert.True(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
        var files = Enum.GetValues<P2xSplit>().Select(s => P2xDataset.SplitPath(data.Root, s)).ToList();
        var written = files.Select(File.GetLastWriteTimeUtc).ToList();
        Assert.Equal(40, P2xDataset.LoadSplit(data.Root, ClinicalTask.Ihm, P2xSplit.Train).Count);
        Assert.Equal(20, P2xDataset.LoadSplit(data.Root, ClinicalTask.Ihm, P2xSplit.Val).Count);   // a quarter, at least 20

        Assert.False(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
        Assert.Equal(written, files.Select(File.GetLastWriteTimeUtc));
    }

    [Fact]
    public void Without_demo_nothing_is_written()
    {
        var data = new DataSettings(_dir.File("real"), Demo: false, DemoStays: 40, DemoSeed: 1);
        Assert.False(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
        Assert.False(Directory.Exists(data.Root));
        Assert.False(DemoAssets.EnsureTinyModel(new ModelSettings(_dir.File("hf"), null, "cpu", "float32", false)));
        Assert.False(Directory.Exists(_dir.File("hf")));
    }

    [Fact]
    public void The_tiny_model_is_written_once_with_the_embedded_tokenizer_then_reused()
    {
        var model = new ModelSettings(_dir.File("tiny"), new TinyLlamaSettings(32, 1, 4, 2, 64, null, 3), "cpu", "float32", false);

        Assert.True(DemoAssets.EnsureTinyModel(model));
        var config = LlamaConfig.Load(model.Path);
        Assert.Equal((32, 1, Llama3Tokenizer.Embedded.VocabSize), (config.HiddenSize, config.NumHiddenLayers, config.VocabSize));
        Assert.Equal(Llama3Tokenizer.Embedded.VocabSize, Llama3Tokenizer.FromModelFolder(model.Path).VocabSize);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(model.Path, LlamaConfig.FileName));

        Assert.False(DemoAssets.EnsureTinyModel(model));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(model.Path, LlamaConfig.FileName)));
    }

    [Fact]
    public void A_demo_cohort_from_other_settings_is_regenerated_not_reused()
    {
        string root = _dir.File("ihm");
        Assert.True(DemoAssets.EnsureCohort(ClinicalTask.Ihm, new DataSettings(root, Demo: true, DemoStays: 40, DemoSeed: 1)));
        var seed1 = FileHash.OfTree(root);

        var seed2 = new DataSettings(root, Demo: true, DemoStays: 40, DemoSeed: 2);
        Assert.True(DemoAssets.EnsureCohort(ClinicalTask.Ihm, seed2));
        Assert.NotEqual(seed1[P2xSchema.FileName(P2xSplit.Train)], FileHash.OfTree(root)[P2xSchema.FileName(P2xSplit.Train)]);
        Assert.Equal(SyntheticCohort.GenerateSplit(new SyntheticCohortOptions(ClinicalTask.Ihm, 40, 20, 20, 2), P2xSplit.Train),
            P2xDataset.LoadSplit(root, ClinicalTask.Ihm, P2xSplit.Train));

        var regenerated = FileHash.OfTree(root);
        Assert.False(DemoAssets.EnsureCohort(ClinicalTask.Ihm, seed2));
        Assert.Equal(regenerated, FileHash.OfTree(root));
    }

    [Fact]
    public void A_demo_cohort_marked_before_recipes_were_recorded_is_regenerated()
    {
        var data = new DataSettings(_dir.File("old"), Demo: true, DemoStays: 40, DemoSeed: 1);
        DemoAssets.EnsureCohort(ClinicalTask.Ihm, data);
        // The marker as earlier versions wrote it (the cohort generator then had no version): no recipe.
        File.WriteAllText(Path.Combine(data.Root, GeneratedFolder.MarkerName), """{"kind":"synthetic-p2x-cohort","written_by":"llm4ehr"}""");
        Assert.False(GeneratedFolder.IsCurrent(data.Root, GeneratedFolder.SyntheticCohort, SyntheticCohort.Recipe(new SyntheticCohortOptions(ClinicalTask.Ihm, 40, 20, 20, 1))));

        Assert.True(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
        Assert.Contains($"synthetic-p2x-cohort v{SyntheticCohort.GeneratorVersion} ", File.ReadAllText(Path.Combine(data.Root, GeneratedFolder.MarkerName)));
        Assert.False(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
    }

    [Fact]
    public void Split_files_of_the_users_are_used_as_they_are_even_with_demo_on()
    {
        var data = new DataSettings(_dir.File("mine"), Demo: true, DemoStays: 40, DemoSeed: 1);
        SyntheticCohort.WriteSplits(data.Root, new SyntheticCohortOptions(ClinicalTask.Ihm, 30, 10, 10, 9));
        File.Delete(Path.Combine(data.Root, GeneratedFolder.MarkerName)); // no marker: the folder is not ours
        var before = FileHash.OfTree(data.Root);

        Assert.False(DemoAssets.EnsureCohort(ClinicalTask.Ihm, data));
        Assert.Equal(before, FileHash.OfTree(data.Root));
    }

    [Fact]
    public void An_interrupted_generation_records_no_recipe_so_the_next_run_writes_again()
    {
        string dir = _dir.File("half");
        const string recipe = "test-content v1 {}";
        Assert.Throws<IOException>(() => GeneratedFolder.Write(dir, GeneratedFolder.SyntheticCohort, "test content", recipe,
            () => throw new IOException("disk full")));
        Assert.Equal(GeneratedFolder.SyntheticCohort, GeneratedFolder.KindOf(dir));
        Assert.False(GeneratedFolder.IsCurrent(dir, GeneratedFolder.SyntheticCohort, recipe));

        GeneratedFolder.Write(dir, GeneratedFolder.SyntheticCohort, "test content", recipe, () => { });
        Assert.True(GeneratedFolder.IsCurrent(dir, GeneratedFolder.SyntheticCohort, recipe));
        Assert.False(GeneratedFolder.IsCurrent(dir, GeneratedFolder.SyntheticCohort, "test content v2 {}"));
    }

    [Fact]
    public void A_tiny_model_from_other_tiny_settings_is_rewritten_with_the_new_shape()
    {
        string path = _dir.File("tiny");
        Assert.True(DemoAssets.EnsureTinyModel(new ModelSettings(path, new TinyLlamaSettings(32, 1, 4, 2, 64, null, 3), "cpu", "float32", false)));
        var wider = new ModelSettings(path, new TinyLlamaSettings(48, 1, 4, 2, 64, null, 3), "cpu", "float32", false);

        Assert.True(DemoAssets.EnsureTinyModel(wider));
        Assert.Equal(48, LlamaConfig.Load(path).HiddenSize);
        Assert.False(DemoAssets.EnsureTinyModel(wider));
    }
}
