using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// A frozen linear layer whose weight is stored NF4-quantized (QLoRA): packed codes and block scales are buffers,
/// not parameters, so no optimizer ever sees them. Forward dequantizes W to the input's dtype and device and runs
/// <c>linear(x, W, bias)</c>. When the input needs a gradient it goes through <see cref="Nf4MatMul"/>, which keeps
/// only references to these buffers for backward and dequantizes W again there (bitsandbytes' MatMul4Bit):
/// plain autograd would keep every layer's dequantized W alive until backward, i.e. the full-precision model.
/// <para>Buffers: <c>packed</c> U8 [ceil(out·in/2)] (two NF4 codes per byte, see <see cref="Nf4Quantizer"/>), then
/// either <c>absmax</c> F32 [nb] (one scale per 64-block, nb = ceil(out·in/64)) or, double-quantized (see
/// <see cref="DoubleQuantizedScales"/>), <c>absmax_codes</c> U8 [nb] (indices into <see cref="DynamicMap"/>),
/// <c>absmax2</c> F32 [ceil(nb/256)] and <c>absmax_offset</c> F32 []; <c>bias</c> F32 [out] if any.</para>
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
    public Tensor BlockAbsmax() => BlockAbsmax(QuantizationState());

    /// <summary>The dequantized weight [out, in] in <paramref name="dtype"/>, on the buffers' device.</summary>
    public Tensor DequantizedWeight(ScalarType dtype = ScalarType.Float32) =>
        Dequantize(QuantizationState(), [OutFeatures, InFeatures], dtype);

    /// <summary>The buffers W is decoded from: packed, then absmax, or absmax_codes, absmax2, absmax_offset.</summary>
    internal List<Tensor> QuantizationState() => DoubleQuantized
        ? [Buffer("packed"), Buffer("absmax_codes"), Buffer("absmax2"), Buffer("absmax_offset")]
        : [Buffer("packed"), Buffer("absmax")];

    /// <summary>W [shape] in <paramref name="dtype"/> from a <see cref="QuantizationState"/> list.</summary>
    internal static Tensor Dequantize(IReadOnlyList<Tensor> state, long[] shape, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return Nf4Quantizer.Dequantize(state[0], BlockAbsmax(state), shape, dtype).MoveToOuterDisposeScope();
    }

    private static Tensor BlockAbsmax(IReadOnlyList<Tensor> state) => state.Count == 4
        ? DoubleQuantizedScales.Dequantize(state[1], state[2], state[3])
        : state[1].alias();

    private Tensor Buffer(string name) => get_buffer(name) ?? throw new InvalidOperationException($"Nf4Linear: buffer '{name}' missing");

    public override Tensor forward(Tensor x)
    {
        // x: [..., in] → [..., out]
        if (!is_grad_enabled() || !x.requires_grad)
            return LinearNoGraph(x); // nothing needs a gradient: no graph, nothing saved
        using var scope = NewDisposeScope();
        return Nf4MatMul.Apply(this, x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// linear(x, W, bias) with W dequantized to x's dtype and device. Call it under no_grad or with an x that needs
    /// no gradient: W and bias never require grad, so then no graph is built and nothing is saved.
    /// </summary>
    internal Tensor LinearNoGraph(Tensor x)
    {
        using var scope = NewDisposeScope();
        var w = DequantizedWeight(x.dtype).to(x.device);                 // [out, in]
        var b = HasBias ? Buffer("bias").to(x.dtype, x.device) : null;   // [out]
        return functional.linear(x, w, b).MoveToOuterDisposeScope();
    }
}
