using LLM4EHR.Models.Quantization;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>The bitsandbytes dynamic map's shape and its nearest-value search (parity itself: nf4-dq fixtures).</summary>
public class DynamicMapTests
{
    private static readonly IReadOnlyList<float> Map = DynamicMap.Values;

    [Fact]
    public void Map_is_256_ascending_values_from_about_minus_0_993_to_1_mirrored_around_0()
    {
        Assert.Equal(256, Map.Count);
        for (int k = 0; k < 255; k++)
            Assert.True(Map[k] < Map[k + 1], $"not ascending at {k}");
        Assert.Equal(1f, Map[255]);
        Assert.Equal(0f, Map[127]);
        Assert.InRange(Map[0], -0.9930f, -0.9929f);
        // The 127 negative values are the positive ones below 1, negated.
        for (int k = 0; k < 127; k++)
            Assert.Equal(-Map[254 - k], Map[k]);
        // The smallest magnitudes are 1e-6 × the first decade's single midpoint (0.1 + 1) / 2.
        Assert.Equal(1e-6f * ((0.1f + 1f) / 2), Map[128]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(15)]
    public void Linspace_below_the_vector_width_equals_libtorch(int steps)
    {
        // Under 16 steps the emulated kernel takes its scalar path only, which current libtorch still runs.
        using var expected = linspace(0.1, 1, steps, dtype: ScalarType.Float32);
        Assert.Equal(expected.data<float>().ToArray(), TorchLinspace.Float32(0.1f, 1f, steps));
    }

    [Fact]
    public void Every_map_value_codes_to_its_own_index()
    {
        for (int k = 0; k < 256; k++)
            Assert.Equal(k, DynamicMap.Code(Map[k]));
    }

    [Fact]
    public void Code_is_the_nearest_map_value_and_out_of_range_values_clamp()
    {
        using var g = new Generator(3, CPU);
        // Uniform in [-1, 1] plus values clustered near 0, where the map is dense.
        var xs = (rand([4000], generator: g) * 2 - 1).data<float>().ToArray()
            .Concat((randn([4000], generator: g) * 1e-3).data<float>().ToArray());
        foreach (float x in xs)
        {
            int code = DynamicMap.Code(x);
            double best = Enumerable.Range(0, 256).Min(k => Math.Abs((double)Map[k] - x));
            Assert.True(Math.Abs((double)Map[code] - x) <= best, $"x = {x:R}: code {code} ({Map[code]:R}) is not nearest");
        }
        Assert.Equal(0, DynamicMap.Code(-1f));
        Assert.Equal(0, DynamicMap.Code(-5f));
        Assert.Equal(255, DynamicMap.Code(5f));
        Assert.Equal(0, DynamicMap.Code(float.NaN));
    }
}
