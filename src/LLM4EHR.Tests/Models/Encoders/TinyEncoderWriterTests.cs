using LLM4EHR.Models.Encoders;
using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>The tiny random encoders in HF format: they load back through EncoderLoader with exactly the written weights.</summary>
public class TinyEncoderWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tiny-encoder-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> Families() => Enum.GetValues<EncoderFamily>().Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Families))]
    public void Written_model_loads_back_with_the_same_weights(EncoderFamily family)
    {
        var options = new TinyEncoderOptions { Family = family, Hidden = 32, Layers = 2, Heads = 4, Intermediate = 48, VocabSize = 50, MaxTokens = 96, AttentionWindow = 8, BlockSize = 8, Seed = 7 };
        bool hookSawWeights = false;
        TinyEncoderWriter.Write(_dir, options, dir => hookSawWeights = File.Exists(Path.Combine(dir, "model.safetensors")) && !File.Exists(Path.Combine(dir, "config.json")));
        Assert.True(hookSawWeights);
        string json = File.ReadAllText(Path.Combine(_dir, "config.json"));
        Assert.Contains($"\"model_type\": \"{EncoderConfig.ModelTypeOf(family)}\"", json);

        using var scope = NewDisposeScope();
        using var loaded = EncoderLoader.Load(_dir, expected: family);
        using var fresh = EncoderRandomWeights.Create(options.ToConfig(), options.Seed);
        var expected = fresh.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
            Assert.True(TensorAssert.Identical(value, actual[key]), key);
        Assert.True(loaded.HasPooler);
        double std = actual["encoder.layer.0.attention.self.query.weight"].std().item<float>();
        Assert.InRange(std, 0.015, 0.025);
        Assert.Equal(0f, actual["embeddings.word_embeddings.weight"][loaded.Config.PadTokenId].abs().sum().item<float>());
        Assert.Equal(1f, actual["encoder.layer.1.output.LayerNorm.weight"].mean().item<float>());

        using (no_grad())
        {
            var ids = randint(3, 50, [2, 40]);
            var hidden = loaded.Forward(ids, ones(2, 40, ScalarType.Int64));
            Assert.Equal([2L, 40, 32], hidden.shape);
            Assert.True(hidden.isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void Weights_are_stored_under_the_base_model_keys()
    {
        TinyEncoderWriter.Write(_dir, new TinyEncoderOptions { Family = EncoderFamily.Longformer, Hidden = 16, Layers = 1, Heads = 2, Intermediate = 16, VocabSize = 20, MaxTokens = 32, AttentionWindow = 4 });
        using var file = SafeTensorsFile.Open(Path.Combine(_dir, "model.safetensors"));
        Assert.Contains("encoder.layer.0.attention.self.query_global.weight", file.Tensors.Keys);
        Assert.Equal([34L, 16], file.Tensors["embeddings.position_embeddings.weight"].Shape); // 32 tokens + pad 1 + 1
        Assert.All(file.Tensors.Values, t => Assert.Equal("F32", t.DtypeName));
    }
}
