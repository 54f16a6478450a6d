using System.Text.Json;
using LLM4EHR.Models.Quantization;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// Parity with bitsandbytes' NF4 layout on the shared reference fixtures (every case folder): plain (nf4/) and with
/// double quantization as <c>quantize_4bit(..., compress_statistics=True)</c> (nf4-dq/), the latter through the
/// production path, an <see cref="Nf4Linear"/> with double quant.
/// </summary>
public class Nf4FixtureTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("nf4");
    public static IEnumerable<object[]> DoubleQuantCases() => FixtureRoot.Cases("nf4-dq");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Packed_codes_absmax_and_dequantized_weight_match_the_reference(FixtureCase fixture)
    {
        using var scope = NewDisposeScope();
        using var expected = Open(fixture, out var weight);
        var (packed, absmax) = Nf4Quantizer.Quantize(weight);
        Identical(fixture, "packed", expected.Load("packed"), packed);
        Identical(fixture, "absmax", expected.Load("absmax"), absmax);
        Close(fixture, "dequantized", expected.Load("dequantized"), Nf4Quantizer.Dequantize(packed, absmax, weight.shape));
    }

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(DoubleQuantCases))]
    public void Double_quant_codes_scales_map_and_dequantized_weight_match_bitsandbytes(FixtureCase fixture)
    {
        using var scope = NewDisposeScope();
        using var expected = Open(fixture, out var weight);
        using var meta = JsonDocument.Parse(File.ReadAllText(fixture.File("meta.json")));
        Assert.True(meta.RootElement.GetProperty("double_quant").GetBoolean());
        Assert.Equal(DoubleQuantizedScales.BlockSize, meta.RootElement.GetProperty("blocksize2").GetInt32());

        using var layer = new Nf4Linear(weight, doubleQuant: true);
        var buffers = layer.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var (_, absmax) = Nf4Quantizer.Quantize(weight);
        Identical(fixture, "packed", expected.Load("packed"), buffers["packed"]);
        Identical(fixture, "absmax", expected.Load("absmax"), absmax);
        Identical(fixture, "absmax_codes", expected.Load("absmax_codes"), buffers["absmax_codes"]);
        Identical(fixture, "absmax2", expected.Load("absmax2"), buffers["absmax2"]);
        Identical(fixture, "dynamic_map", expected.Load("dynamic_map"), tensor(DynamicMap.Values.ToArray()));

        double refOffset = expected.Load("offset").flatten()[0].item<float>();
        double offset = buffers["absmax_offset"].item<float>();
        Assert.True(Math.Abs(offset - refOffset) <= 1e-7 * Math.Abs(refOffset), $"{fixture}: offset {offset:R}, reference {refOffset:R}");

        Close(fixture, "absmax_dequantized", expected.Load("absmax_dequantized"), layer.BlockAbsmax());
        Close(fixture, "dequantized", expected.Load("dequantized"), layer.DequantizedWeight());
    }

    /// <summary>Checks the layout in meta.json; returns the open expected.safetensors and the input weight.</summary>
    private static SafeTensorsFile Open(FixtureCase fixture, out Tensor weight)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(fixture.File("meta.json")));
        Assert.Equal(Nf4Quantizer.BlockSize, meta.RootElement.GetProperty("blocksize").GetInt32());
        Assert.Equal("nf4", meta.RootElement.GetProperty("quant_type").GetString());
        using var input = SafeTensorsFile.Open(fixture.File("input.safetensors"));
        weight = input.Load("weight");
        return SafeTensorsFile.Open(fixture.File("expected.safetensors"));
    }

    private static void Identical(FixtureCase fixture, string name, Tensor expected, Tensor actual)
    {
        SameShape(fixture, name, expected, actual);
        Assert.Equal(expected.dtype, actual.dtype);
        var diff = expected.ne(actual).nonzero();                      // [k, 1]
        if (diff.shape[0] > 0)
        {
            long i = diff[0, 0].item<long>();
            Assert.Fail($"{fixture}: {name}: {diff.shape[0]} elements differ, first at {i}: " +
                $"ours {actual[i].to_type(ScalarType.Float64).item<double>():R}, reference {expected[i].to_type(ScalarType.Float64).item<double>():R}");
        }
    }

    private static void Close(FixtureCase fixture, string name, Tensor expected, Tensor actual)
    {
        SameShape(fixture, name, expected, actual);
        double maxErr = (actual - expected).abs().max().item<float>();
        Assert.True(maxErr <= 1e-6, $"{fixture}: {name} max |diff| {maxErr:g3} > 1e-6");
    }

    private static void SameShape(FixtureCase fixture, string name, Tensor expected, Tensor actual) =>
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{fixture}: {name} shape [{string.Join(',', actual.shape)}], reference [{string.Join(',', expected.shape)}]");
}
