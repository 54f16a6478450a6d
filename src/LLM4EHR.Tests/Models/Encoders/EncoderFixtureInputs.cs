using System.Text.Json;
using LLM4EHR.SafeTensors;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models.Encoders;

/// <summary>Reads an encoder parity case: the [B][T] integer matrices of inputs.json and the expected tensors.</summary>
internal static class EncoderFixtureInputs
{
    /// <summary>The int64 [B, T] tensor of one inputs.json key, or null when the case does not have it.</summary>
    public static Tensor? Matrix(string inputsJson, string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(inputsJson));
        if (!doc.RootElement.TryGetProperty(name, out var rows))
            return null;
        var values = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        return tensor(values.SelectMany(r => r).ToArray(), [values.Length, values[0].Length]);
    }

    public static Tensor Expected(string expectedFile, string name)
    {
        using var file = SafeTensorsFile.Open(expectedFile);
        return file.Load(name, ScalarType.Float32);
    }

    /// <summary>Checks the fixture contract at real positions: |ours - ref| ≤ 1e-4 + 1e-3·|ref|.</summary>
    public static void AssertCloseAtRealTokens(Tensor expected, Tensor actual, Tensor mask, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var real = mask.to_type(ScalarType.Bool).unsqueeze(-1).expand_as(actual);
        LlamaParityTests.AssertClose(expected.masked_select(real), actual.masked_select(real), what);
    }

    /// <summary>Mean of hidden [B, T, H] over positions where mask [B, T] is 1 → [B, H].</summary>
    public static Tensor MaskedMean(Tensor hidden, Tensor mask)
    {
        var m = mask.to_type(ScalarType.Float32).unsqueeze(-1);      // [B, T, 1]
        return (hidden * m).sum(1) / m.sum(1);
    }
}
