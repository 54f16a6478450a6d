using LLM4EHR.Config;
using LLM4EHR.Experiments;
using LLM4EHR.IO;
using LLM4EHR.Models.Encoders;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Text;
using LLM4EHR.Text;

namespace LLM4EHR.Tests.Experiments;

/// <summary>Encoder model folders: the tiny demo encoder written once into a folder of its own, and bad folders refused by name.</summary>
public sealed class EncoderModelFolderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private ExperimentConfig Config(string type, string path, bool tiny = true, string extra = "") => ExperimentConfigLoader.Parse($"""
        task: ihm
        data:
          root: "{_dir.File("data")}"
          demo: true
        model:
          type: {type}
          path: "{path}"
        {(tiny ? "  tiny: {hidden: 16, layers: 1, heads: 2, kv_heads: 1, intermediate: 32, seed: 3}" : "")}
        text:
          max_tokens: 64
        {extra}
        """, "enc.yaml");

    [Theory]
    [InlineData("belt", "vocab.txt", "random-bert", 66)]        // BELT's positions: chunk_size 64 + [CLS] + [SEP]
    [InlineData("longformer", "merges.txt", "random-longformer", 64 + 2)]
    [InlineData("bigbird", "spiece.model", "random-big_bird", 64)]
    public void The_tiny_encoder_is_written_once_with_its_real_format_tokenizer(string type, string tokenizerFile, string kind, int positions)
    {
        string path = _dir.File(type);
        var config = Config(type, path);
        if (type == "belt")
            config = config with { Model = config.Model with { Belt = config.Model.Belt! with { ChunkSize = 64, Stride = 32, MinChunkTokens = 8 } } };
        Assert.True(DemoAssets.EnsureTinyModel(config));
        Assert.Equal(kind, GeneratedFolder.KindOf(path));
        Assert.True(File.Exists(Path.Combine(path, tokenizerFile)));
        var shape = EncoderConfig.Load(path);
        Assert.Equal(positions, shape.MaxPositionEmbeddings);
        Assert.Equal(TextTokenizers.EncoderFromModelFolder(path).VocabSize, shape.VocabSize);
        Assert.Equal(ModelTokenizer.For(config.Model).Kind, TextTokenizers.EncoderFromModelFolder(path).Kind);

        byte[] weights = File.ReadAllBytes(Path.Combine(path, "model.safetensors"));
        Assert.False(DemoAssets.EnsureTinyModel(config)); // present: reused, not rewritten
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(path, "model.safetensors")));
    }

    [Fact]
    public void A_folder_of_the_users_or_of_another_family_is_never_filled()
    {
        string mine = _dir.File("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "not a model");
        var e = Assert.Throws<BadInputException>(() => DemoAssets.EnsureTinyModel(Config("belt", mine)));
        Assert.Contains("refusing to write a tiny random BERT", e.Message);
        Assert.Equal(["notes.txt"], Directory.GetFiles(mine).Select(Path.GetFileName));

        string bert = _dir.File("bert");
        DemoAssets.EnsureTinyModel(Config("belt", bert));
        File.Delete(Path.Combine(bert, "config.json")); // looks unfinished: a Longformer must still not be written over a BERT
        e = Assert.Throws<BadInputException>(() => DemoAssets.EnsureTinyModel(Config("longformer", bert)));
        Assert.Contains("random-bert, not random-longformer", e.Message);
    }

    [Fact]
    public void Bad_encoder_folders_name_what_is_wrong()
    {
        string run = _dir.File("run");
        // No tokenizer files beside the weights.
        string noTokenizer = _dir.File("no-tokenizer");
        DemoAssets.EnsureTinyModel(Config("longformer", noTokenizer));
        foreach (var f in new[] { "vocab.json", "merges.txt" })
            File.Delete(Path.Combine(noTokenizer, f));
        var e = Assert.Throws<BadInputException>(() => ExperimentPreflight.Check(Config("longformer", noTokenizer, tiny: false), run, resume: false));
        Assert.Contains("no tokenizer", e.Message);
        Assert.Contains("spiece.model", e.Message);

        // PyTorch weights only: refused with the conversion hint.
        string bin = _dir.File("bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "config.json"), """{"model_type": "bert"}""");
        File.WriteAllBytes(Path.Combine(bin, "pytorch_model.bin"), [0x80, 0x02]);
        e = Assert.Throws<BadInputException>(() => ExperimentPreflight.Check(Config("belt", bin, tiny: false), run, resume: false));
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("safetensors", e.Message);

        // A BigBird folder given to model.type longformer.
        string bigbird = _dir.File("bigbird");
        DemoAssets.EnsureTinyModel(Config("bigbird", bigbird));
        e = Assert.Throws<BadInputException>(() => ClassifierFactory.Build(Config("longformer", bigbird, tiny: false), ComputeDevice.Cpu));
        Assert.Contains("model_type", e.Message);
        Assert.Contains("longformer", e.Message);

        // A sequence cap beyond the model's positions.
        e = Assert.Throws<BadInputException>(() => ClassifierFactory.Build(Config("bigbird", bigbird, tiny: false).WithMaxTokens(128), ComputeDevice.Cpu));
        Assert.Contains("text.max_tokens: 128", e.Message);
    }
}

internal static class EncoderConfigExtensions
{
    public static ExperimentConfig WithMaxTokens(this ExperimentConfig c, int maxTokens) => c with { Text = c.Text with { MaxTokens = maxTokens } };
}
