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
    public void Double_quantized_scales_stay_within_their_bound_and_cost_under_4_2_bits()
    {
        using var w = RandomWeight(256, 512, 9);
        using var plain = new Nf4Linear(w, doubleQuant: false);
        using var dq = new Nf4Linear(w, doubleQuant: true);
        Assert.Equal(4.5, plain.BitsPerParameter, 6);
        Assert.True(dq.BitsPerParameter <= 4.2, $"bits/param {dq.BitsPerParameter}");

        using var exact = plain.BlockAbsmax();
        using var approx = dq.BlockAbsmax();
        using var scales = dq.get_buffer("absmax_scales")!;
        // |absmax' − absmax| ≤ s/254 per 256-block (half a linear int8 step).
        using var bound = scales.repeat_interleave(DoubleQuantizedScales.BlockSize).narrow(0, 0, exact.numel()) / 254f;
        using var over = ((approx - exact).abs() - bound * 1.0001f - 1e-9f).max();
        Assert.True(over.item<float>() <= 0, "double-quantized absmax outside its bound");
        using var rel = ((dq.DequantizedWeight() - w).norm() / w.norm());
        Assert.True(rel.item<float>() < 0.15, $"relative error {rel.item<float>()}");
    }
}
