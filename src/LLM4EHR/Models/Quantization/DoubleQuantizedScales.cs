using static TorchSharp.torch;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// QLoRA's double quantization of the per-block absmax values, in a documented linear form: subtract the tensor's
/// mean absmax (as bitsandbytes' compress_statistics does), then store the centred values as symmetric linear int8
/// in blocks of <see cref="BlockSize"/> (code = round(c / s × 127), s = max |c| of the block, round half to even).
/// bitsandbytes uses its dynamic 8-bit code instead; linear int8 was chosen because it is exactly reproducible
/// and its error bound is simple: |absmax' − absmax| ≤ s / 254 per block. Storage per weight with 64-blocks:
/// 8/64 + 32/(64·256) bits instead of 32/64.
/// </summary>
public sealed class DoubleQuantizedScales : IDisposable
{
    public const int BlockSize = 256;

    private DoubleQuantizedScales(Tensor codes, Tensor scales, Tensor offset)
    {
        Codes = codes;
        Scales = scales;
        Offset = offset;
    }

    /// <summary>Int8 [nb] codes of the centred absmax values.</summary>
    public Tensor Codes { get; }
    /// <summary>F32 [ceil(nb/256)] max |centred absmax| per block.</summary>
    public Tensor Scales { get; }
    /// <summary>F32 [] the mean absmax that was subtracted.</summary>
    public Tensor Offset { get; }

    public long StorageBytes => Codes.numel() + 4 * Scales.numel() + 4;

    /// <summary>Compresses F32 [nb] absmax values.</summary>
    public static DoubleQuantizedScales Quantize(Tensor absmax)
    {
        using var scope = NewDisposeScope();
        long nb = absmax.numel();
        long blocks = (nb + BlockSize - 1) / BlockSize;
        var offset = absmax.mean();                                                   // []
        var centred = nn.functional.pad(absmax - offset, [0, blocks * BlockSize - nb]).view(blocks, BlockSize);
        var scales = centred.abs().amax([1]);                                         // [blocks]
        // An all-equal block has scale 0: its codes are 0 and it decodes to the mean exactly.
        var safe = where(scales > 0, scales, ones_like(scales)).unsqueeze(1);
        var codes = (centred / safe * 127).round().clamp(-127, 127).view(-1).narrow(0, 0, nb).to_type(ScalarType.Int8);
        return new DoubleQuantizedScales(codes.MoveToOuterDisposeScope(), scales.MoveToOuterDisposeScope(), offset.MoveToOuterDisposeScope());
    }

    /// <summary>Wraps stored tensors (e.g. buffers of an <see cref="Nf4Linear"/>) without copying.</summary>
    public static DoubleQuantizedScales FromTensors(Tensor codes, Tensor scales, Tensor offset) => new(codes, scales, offset);

    /// <summary>F32 [nb] absmax values: code / 127 × s + mean.</summary>
    public static Tensor Dequantize(Tensor codes, Tensor scales, Tensor offset)
    {
        using var scope = NewDisposeScope();
        long nb = codes.numel();
        long blocks = scales.numel();
        var c = nn.functional.pad(codes.to_type(ScalarType.Float32), [0, blocks * BlockSize - nb]).view(blocks, BlockSize);
        var absmax = (c * (scales / 127f).unsqueeze(1) + offset).view(-1).narrow(0, 0, nb);
        return absmax.contiguous().MoveToOuterDisposeScope();
    }

    public Tensor Dequantize() => Dequantize(Codes, Scales, Offset);

    public void Dispose()
    {
        Codes.Dispose();
        Scales.Dispose();
        Offset.Dispose();
    }
}
