using System.Text.Json;
using LLM4EHR.Models.Llama;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>Our loader + forward against hidden states computed by plain PyTorch following HF modeling_llama.py.</summary>
public class LlamaParityTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("llama-parity");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Hidden_states_match_the_reference(FixtureCase c)
    {
        using var scope = NewDisposeScope();
        using var model = LlamaLoader.Load(c.Dir);
        var (ids, mask) = ReadInputs(c.File("inputs.json"));
        using var expectedFile = SafeTensorsFile.Open(c.File("expected.safetensors"));
        var expectedHidden = expectedFile.Load("last_hidden_state", ScalarType.Float32);
        var expectedPooled = expectedFile.Load("pooled", ScalarType.Float32);

        Tensor hidden;
        using (no_grad())
            hidden = model.Forward(ids, mask);                 // positions 0..T-1, as the fixture contract says
        Assert.Equal(expectedHidden.shape, hidden.shape);

        var real = mask.to_type(ScalarType.Bool).unsqueeze(-1).expand_as(hidden);
        AssertClose(expectedHidden.masked_select(real), hidden.masked_select(real), $"{c}: last_hidden_state");

        var m = mask.to_type(ScalarType.Float32).unsqueeze(-1);                // [B, T, 1]
        var pooled = (hidden * m).sum(1) / m.sum(1);                        // [B, H]
        AssertClose(expectedPooled, pooled, $"{c}: pooled");
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var excess = (actual - expected).abs() - (1e-4 + 1e-3 * expected.abs());
        double worst = excess.max().item<float>();
        Assert.True(worst <= 0, $"{what}: exceeds |ours-ref| <= 1e-4 + 1e-3|ref| by {worst:g3} (max abs diff {(actual - expected).abs().max().item<float>():g3})");
    }

    internal static (Tensor Ids, Tensor Mask) ReadInputs(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        long[][] Read(string name) => doc.RootElement.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        var ids = Read("input_ids");
        var mask = Read("attention_mask");
        int b = ids.Length, t = ids[0].Length;
        return (tensor(ids.SelectMany(r => r).ToArray(), [b, t]), tensor(mask.SelectMany(r => r).ToArray(), [b, t]));
    }
}
