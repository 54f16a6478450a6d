using LLM4EHR.Config;
using LLM4EHR.Data;
using LLM4EHR.Experiments;
using LLM4EHR.Models.Llama;
using LLM4EHR.Text;
using LLM4EHR.Tests.Text;

namespace LLM4EHR.Tests.Experiments;

/// <summary>Demo inputs are written once, in the real formats, and left alone afterwards.</summary>
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
}
