using static TorchSharp.torch;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// QLoRA's double quantization of the NF4 block absmax values, exactly as bitsandbytes'
/// <c>quantize_4bit(..., compress_statistics=True)</c>: subtract the float32 mean of all absmax values (offset), then
/// quantize the centred values blockwise (<see cref="BlockSize"/> per block) with the signed 8-bit
/// <see cref="DynamicMap"/>: absmax2 = max |absmax − offset| per block, code = nearest map value to
/// (absmax − offset) × (1 / absmax2). Decoding is map[code] × absmax2 + offset. Storage per weight with 64-blocks:
/// 8/64 + 32/(64·256) bits instead of 32/64.
/// </summary>
public sealed class DoubleQuantizedScales : IDisposable
{
    public const int BlockSize = 256;

    private DoubleQuantizedScales(Tensor codes, Tensor absmax2, Tensor offset)
    {
        Codes = codes;
        Absmax2 = absmax2;
        Offset = offset;
    }

    /// <summary>U8 [nb]: index into <see cref="DynamicMap.Values"/> of each centred, normalised absmax.</summary>
    public Tensor Codes { get; }
    /// <summary>F32 [ceil(nb/256)]: max |absmax − offset| of each block of 256.</summary>
    public Tensor Absmax2 { get; }
    /// <summary>F32 []: the mean absmax that was subtracted.</summary>
    public Tensor Offset { get; }

    public long StorageBytes => Codes.numel() + 4 * Absmax2.numel() + 4;

    /// <summary>Compresses F32 [nb] absmax values (any device; the codes are computed on the CPU).</summary>
    public static unsafe DoubleQuantizedScales Quantize(Tensor absmax)
    {
        using var scope = NewDisposeScope();
        var a = absmax.detach().to(CPU).to_type(ScalarType.Float32).contiguous().flatten(); // [nb]
        long nb = a.numel();
        long blocks = (nb + BlockSize - 1) / BlockSize;
        var offset = a.mean();                                          // [] torch's float32 mean, as bitsandbytes
        float mean = offset.item<float>();
        var absmax2 = zeros(new[] { blocks }, ScalarType.Float32);      // [blocks]
        var codes = zeros(new[] { nb }, ScalarType.Byte);               // [nb]
        fixed (byte* src = a.bytes, dst2 = absmax2.bytes, dstCodes = codes.bytes)
        {
            float* values = (float*)src, maxima = (float*)dst2;
            for (long b = 0; b < blocks; b++)
            {
                long first = b * BlockSize, end = Math.Min(nb, first + BlockSize);
                float max = 0f;
                for (long i = first; i < end; i++)
                    max = MathF.Max(max, MathF.Abs(values[i] - mean));
                maxima[b] = max;
                // The reciprocal, then a product (bitsandbytes' kernel); a constant block has max 0 and 0 × ∞ = NaN
                // takes code 0, which decodes to map[0] × 0 + offset = the offset, i.e. exactly.
                float inv = 1f / max;
                for (long i = first; i < end; i++)
                    dstCodes[i] = DynamicMap.Code((values[i] - mean) * inv);
            }
        }
        return new DoubleQuantizedScales(codes.MoveToOuterDisposeScope(), absmax2.MoveToOuterDisposeScope(),
            offset.MoveToOuterDisposeScope());
    }

    /// <summary>F32 [nb] absmax values, map[code] × absmax2 + offset, on the codes' device.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor absmax2, Tensor offset)
    {
        using var scope = NewDisposeScope();
        long nb = codes.numel();
        long blocks = absmax2.numel();
        var map = tensor(DynamicMap.Values.ToArray(), device: codes.device);                // [256]
        var values = map.index_select(0, codes.to_type(ScalarType.Int32));                // [nb]
        var scales = absmax2.repeat_interleave(BlockSize).narrow(0, 0, nb);               // [nb]
        return (values * scales + offset).MoveToOuterDisposeScope();
    }

    public Tensor Dequantize() => Dequantize(Codes, Absmax2, Offset);

    public void Dispose()
    {
        Codes.Dispose();
        Absmax2.Dispose();
        Offset.Dispose();
    }
}
