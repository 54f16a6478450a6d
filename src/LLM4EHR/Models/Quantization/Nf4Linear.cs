using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// A frozen linear layer whose weight is stored NF4-quantized (QLoRA): packed codes and block scales are buffers,
/// not parameters, so no optimizer ever sees them. Forward dequantizes to the input's dtype and device and runs
/// <c>linear(x, W_deq, bias)</c>; the full-precision weight is never kept.
/// Buffers: <c>packed</c> U8 [ceil(out·in/2)], then either <c>absmax</c> F32 [ceil(out·in/64)] or, with double
/// quantization as bitsandbytes (see <see cref="DoubleQuantizedScales"/>), <c>absmax_codes</c> U8 [nb] (indices into
/// <see cref="DynamicMap"/>), <c>absmax2</c> F32 [ceil(nb/256)], <c>absmax_offset</c> F32 []; <c>bias</c> if any.
/// </summary>
public sealed class Nf4Linear : Module<Tensor, Tensor>
{
    /// <summary>Quantizes <paramref name="weight"/> [out, in] (any float dtype, any device; read once, not kept).</summary>
    public Nf4Linear(Tensor weight, Tensor? bias = null, bool doubleQuant = false) : base(nameof(Nf4Linear))
    {
        if (weight.dim() != 2)
            throw new ArgumentException($"Nf4Linear needs a 2-D weight [out, in], got [{string.Join(',', weight.shape)}]", nameof(weight));
        OutFeatures = weight.shape[0];
        InFeatures = weight.shape[1];
        DoubleQuantized = doubleQuant;
        var (packed, absmax) = Nf4Quantizer.Quantize(weight);
        var device = weight.device;
        register_buffer("packed", packed.to(device));
        if (doubleQuant)
        {
            using (absmax)
            using (var dq = DoubleQuantizedScales.Quantize(absmax))
            {
                register_buffer("absmax_codes", dq.Codes.to(device).detach());
                register_buffer("absmax2", dq.Absmax2.to(device).detach());
                register_buffer("absmax_offset", dq.Offset.to(device).detach());
            }
        }
        else
        {
            register_buffer("absmax", absmax.to(device));
        }
        if (bias is not null)
            register_buffer("bias", bias.detach().to(ScalarType.Float32).clone());
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public bool DoubleQuantized { get; }
    public bool HasBias => named_buffers(false).Any(b => b.name == "bias");

    /// <summary>Bytes of all stored quantization state (codes and scales; bias excluded).</summary>
    public long QuantizedBytes => named_buffers(false).Where(b => b.name != "bias").Sum(b => b.buffer.numel() * b.buffer.ElementSize);

    /// <summary>Storage bits per weight element (4 + scale overhead: 4.5 plain, ≈4.127 double-quantized).</summary>
    public double BitsPerParameter => QuantizedBytes * 8.0 / (InFeatures * OutFeatures);

    /// <summary>F32 [nb] block absmax values (decompressed when double-quantized).</summary>
    public Tensor BlockAbsmax() => DoubleQuantized
        ? DoubleQuantizedScales.Dequantize(Buffer("absmax_codes"), Buffer("absmax2"), Buffer("absmax_offset"))
        : Buffer("absmax").alias();

    /// <summary>The dequantized weight [out, in] in <paramref name="dtype"/>.</summary>
    public Tensor DequantizedWeight(ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var absmax = BlockAbsmax();
        return Nf4Quantizer.Dequantize(Buffer("packed"), absmax, [OutFeatures, InFeatures], dtype).MoveToOuterDisposeScope();
    }

    private Tensor Buffer(string name) => get_buffer(name) ?? throw new InvalidOperationException($"Nf4Linear: buffer '{name}' missing");

    public override Tensor forward(Tensor x)
    {
        // x: [..., in] → [..., out]
        using var scope = NewDisposeScope();
        var w = DequantizedWeight(x.dtype);
        var b = HasBias ? Buffer("bias").to_type(x.dtype) : null;
        return functional.linear(x, w, b).MoveToOuterDisposeScope();
    }
}
