using LLM4EHR.Models.Encoders;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>The HF encoder folder loader: key prefixes, ignored heads, and one-line errors for folders it cannot read.</summary>
public class EncoderLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("encoder-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string BertCase => Path.Combine(RepoRoot.Path, "src", "LLM4EHR.Tests", "fixtures", "bert-parity", "tiny-2layer");

    // Rewrites the copied checkpoint through a key transform (null drops the key).
    private void RewriteKeys(Func<string, string?> rename)
    {
        string path = Path.Combine(_dir, "model.safetensors");
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var key in file.Tensors.Keys)
                if (rename(key) is { } name)
                    tensors.Add(new(name, file.Load(key)));
        SafeTensorsWriter.Write(path, tensors);
        foreach (var t in tensors) t.Value.Dispose();
    }

    [Fact]
    public void Bare_keys_load_the_same_model_as_bert_prefixed_keys_with_cls_heads()
    {
        FileHash.CopyTree(BertCase, _dir);
        RewriteKeys(k => k.StartsWith("cls.") ? null : k["bert.".Length..]);
        using var scope = NewDisposeScope();
        using var prefixed = EncoderLoader.Load(BertCase);
        using var bare = EncoderLoader.Load(_dir);
        var ids = tensor(new long[] { 3, 10, 20, 30, 4 }, [1, 5]);
        using (no_grad())
        {
            var a = prefixed.Forward(ids);
            var b = bare.Forward(ids);
            Assert.True(TensorAssert.Identical(a, b));
            Assert.True(TensorAssert.Identical(prefixed.Pool(a), bare.Pool(b)));
        }
        Assert.All(bare.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void A_folder_with_only_pytorch_model_bin_is_refused_with_a_conversion_hint()
    {
        File.Copy(Path.Combine(BertCase, "config.json"), Path.Combine(_dir, "config.json"));
        File.WriteAllBytes(Path.Combine(_dir, "pytorch_model.bin"), [0x80, 0x02]);
        var e = Assert.Throws<BadInputException>(() => EncoderLoader.Load(_dir));
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("safe_serialization=True", e.Message);
    }

    [Fact]
    public void A_missing_weight_is_named()
    {
        FileHash.CopyTree(BertCase, _dir);
        RewriteKeys(k => k == "bert.encoder.layer.1.output.dense.bias" ? null : k);
        var e = Assert.Throws<BadInputException>(() => EncoderLoader.Load(_dir));
        Assert.Contains("missing: [encoder.layer.1.output.dense.bias]", e.Message);
    }

    [Fact]
    public void A_different_model_type_than_expected_is_refused()
    {
        var e = Assert.Throws<BadInputException>(() => EncoderLoader.Load(BertCase, expected: EncoderFamily.Longformer));
        Assert.Contains("model_type: 'bert', expected 'longformer'", e.Message);
    }

    [Fact]
    public void Config_errors_name_the_key()
    {
        var e = Assert.Throws<BadInputException>(() => EncoderConfig.Parse("""{"model_type":"longformer","hidden_size":32,"num_attention_heads":4,"num_hidden_layers":2,"intermediate_size":64,"vocab_size":10,"max_position_embeddings":20,"attention_window":[4,5]}""", "config.json"));
        Assert.Equal("config.json: attention_window: every window must be even and positive, got 5", e.Message);
        e = Assert.Throws<BadInputException>(() => EncoderConfig.Parse("""{"model_type":"gpt2"}""", "config.json"));
        Assert.Contains("model_type: 'gpt2' is not an encoder", e.Message);
    }
}
