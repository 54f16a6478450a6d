using System.Text.Json;
using LLM4EHR.Models.Quantization;
using LLM4EHR.SafeTensors;
using LLM4EHR.Tests.Support;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>Parity with bitsandbytes' NF4 layout on the shared reference fixtures (every case folder).</summary>
public class Nf4FixtureTests
{
    public static IEnumerable<object[]> Cases() => FixtureRoot.Cases("nf4");

    [Theory]
    [Trait("Category", "Fixtures")]
    [MemberData(nameof(Cases))]
    public void Packed_codes_absmax_and_dequantized_weight_match_the_reference(FixtureCase fixture)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(fixture.File("meta.json")));
        Assert.Equal(Nf4Quantizer.BlockSize, meta.RootElement.GetProperty("blocksize").GetInt32());
        Assert.Equal("nf4", meta.RootElement.GetProperty("quant_type").GetString());

        using var input = SafeTensorsFile.Open(fixture.File("input.safetensors"));
        using var expected = SafeTensorsFile.Open(fixture.File("expected.safetensors"));
        using var weight = input.Load("weight");
        var (packed, absmax) = Nf4Quantizer.Quantize(weight);
        using (packed)
        using (absmax)
        {
            using var refPacked = expected.Load("packed");
            using var refAbsmax = expected.Load("absmax");
            Assert.Equal(refPacked.shape, packed.shape);
            Assert.Equal(refAbsmax.shape, absmax.shape);
            var ours = packed.data<byte>().ToArray();
            var theirs = refPacked.data<byte>().ToArray();
            for (int i = 0; i < ours.Length; i++)
                Assert.True(ours[i] == theirs[i], $"{fixture}: packed byte {i}: ours 0x{ours[i]:x2}, reference 0x{theirs[i]:x2}");
            Assert.Equal(refAbsmax.data<float>().ToArray(), absmax.data<float>().ToArray());

            using var deq = Nf4Quantizer.Dequantize(packed, absmax, weight.shape);
            using var refDeq = expected.Load("dequantized");
            Assert.Equal(refDeq.shape, deq.shape);
            double maxErr = (deq - refDeq).abs().max().item<float>();
            Assert.True(maxErr <= 1e-6, $"{fixture}: dequantized max |diff| {maxErr:g3} > 1e-6");
        }
    }
}
