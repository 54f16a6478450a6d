using LLM4EHR.Models.Quantization;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class Nf4QuantizerTests
{
    // Largest gap between neighbouring NF4 levels is 1 − 0.7229568 (top end): rounding moves a value by at most half.
    private static readonly double HalfMaxGap = Enumerable.Range(0, 15).Max(i => Nf4Levels.Levels[i + 1] - Nf4Levels.Levels[i]) / 2.0;

    private static Tensor RandomWeight(long rows, long cols, ulong seed)
    {
        using var g = new Generator(seed, CPU);
        return randn([rows, cols], generator: g) * 0.02;
    }

    [Theory]
    [InlineData(37, 29)]   // 1073 elements: odd count, partial last block
    [InlineData(64, 128)]  // whole blocks
    public void Dequantize_error_is_within_half_a_level_gap_of_each_block_absmax(long rows, long cols)
    {
        using var w = RandomWeight(rows, cols, 11);
        var (packed, absmax) = Nf4Quantizer.Quantize(w);
        using (packed) using (absmax)
        {
            Assert.Equal((rows * cols + 1) / 2, packed.shape[0]);
            Assert.Equal((rows * cols + 63) / 64, absmax.shape[0]);
            using var deq = Nf4Quantizer.Dequantize(packed, absmax, w.shape);
            var err = (deq - w).abs().flatten().data<float>().ToArray();
            var amax = absmax.data<float>().ToArray();
            for (int i = 0; i < err.Length; i++)
                Assert.True(err[i] <= amax[i / 64] * HalfMaxGap * (1 + 1e-6), $"element {i}: error {err[i]} > bound {amax[i / 64] * HalfMaxGap}");
            // The block maximum maps to ±1 exactly, so it survives without error.
            using var flat = w.flatten();
            long argmax = flat.narrow(0, 0, 64).abs().argmax().item<long>();
            Assert.Equal(flat[argmax].item<float>(), deq.flatten()[argmax].item<float>());
            if ((rows * cols) % 2 == 1)
                Assert.Equal(0, packed[-1].item<byte>() & 0x0F); // odd count: padding nibble is zero
        }
    }

    [Fact]
    public void Vectorised_codes_equal_the_scalar_nearest_level_definition()
    {
        using var w = RandomWeight(3, 333, 5); // 999 elements: vector lanes plus scalar tail
        var (packed, absmax) = Nf4Quantizer.Quantize(w);
        using (packed) using (absmax)
        {
            var x = w.flatten().data<float>().ToArray();
            var p = packed.data<byte>().ToArray();
            var a = absmax.data<float>().ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                int code = i % 2 == 0 ? p[i / 2] >> 4 : p[i / 2] & 15;
                float normalized = x[i] * (1f / a[i / 64]);
                // Nearest level by distance (ties cannot occur with random data).
                int nearest = Enumerable.Range(0, 16).MinBy(k => Math.Abs(Nf4Levels.Levels[k] - normalized));
                Assert.Equal(nearest, code);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(37, 29)]
    [InlineData(128, 96)]
    public void Cpu_kernel_and_torch_ops_dequantize_identically(long rows, long cols)
    {
        using var w = RandomWeight(rows, cols, 21);
        var (packed, absmax) = Nf4Quantizer.Quantize(w);
        using (packed) using (absmax)
        {
            using var cpu = Nf4Quantizer.DequantizeCpu(packed, absmax, w.shape, ScalarType.Float32);
            using var ops = Nf4Quantizer.DequantizeTorch(packed, absmax, w.shape, ScalarType.Float32);
            TensorAssert.Equal(ops, cpu, "dequantize paths");
            using var bf = Nf4Quantizer.Dequantize(packed, absmax, w.shape, ScalarType.BFloat16);
            Assert.Equal(ScalarType.BFloat16, bf.dtype);
        }
    }

    [Fact]
    public void All_zero_block_dequantizes_to_zero()
    {
        using var w = zeros(2, 64);
        using (no_grad()) w[1, 5] = 0.5f;
        var (packed, absmax) = Nf4Quantizer.Quantize(w);
        using (packed) using (absmax)
        {
            using var deq = Nf4Quantizer.Dequantize(packed, absmax, w.shape);
            Assert.Equal(0f, deq[0].abs().max().item<float>());
            Assert.Equal(0.5f, deq[1, 5].item<float>());
        }
    }

    [Fact]
    public void Double_quantized_scales_decode_within_half_a_map_gap_and_cost_4_127_bits()
    {
        using var w = RandomWeight(256, 512, 9);
        using var plain = new Nf4Linear(w, doubleQuant: false);
        using var dq = new Nf4Linear(w, doubleQuant: true);
        Assert.Equal(4.5, plain.BitsPerParameter, 6);
        // 4 + 8/64 + 32/(64·256) per weight, plus the one 4-byte offset of the layer.
        Assert.Equal(4 + 8.0 / 64 + 32.0 / (64 * 256) + 32.0 / w.numel(), dq.BitsPerParameter, 9);

        using var exact = plain.BlockAbsmax();
        using var approx = dq.BlockAbsmax();
        var absmax2 = dq.named_buffers().Single(b => b.name == "absmax2").buffer;
        // Rounding to the nearest map value moves a normalised value by at most half the widest gap between
        // neighbours (the one below 1), i.e. the absmax by that times its block's absmax2.
        var map = DynamicMap.Values;
        double halfGap = Enumerable.Range(0, 255).Max(k => map[k + 1] - map[k]) / 2.0;
        using var bound = absmax2.repeat_interleave(DoubleQuantizedScales.BlockSize).narrow(0, 0, exact.numel()) * (float)halfGap;
        using var over = ((approx - exact).abs() - bound * 1.0001f - 1e-9f).max();
        Assert.True(over.item<float>() <= 0, "double-quantized absmax outside its bound");
        using var err = dq.DequantizedWeight() - w;
        using var rel = err.norm() / w.norm();
        Assert.True(rel.item<float>() < 0.15, $"relative error {rel.item<float>()}");
    }

    [Fact]
    public void Equal_block_scales_survive_double_quantization_exactly()
    {
        // Every 64-block has absmax 0.5: the mean is 0.5, absmax2 is 0, and code 0 decodes to 0 × 0 + 0.5.
        using var w = (arange(64 * 40).remainder(3) - 1).to_type(ScalarType.Float32).view(40, 64) * 0.5f;
        using var dq = new Nf4Linear(w, doubleQuant: true);
        using var absmax = dq.BlockAbsmax();
        Assert.True(absmax.eq(0.5f).all().item<bool>());
        TensorAssert.Equal(w, dq.DequantizedWeight(), "equal-scale weight");
    }
}
