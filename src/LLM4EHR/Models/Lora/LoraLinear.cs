using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.Lora;

/// <summary>
/// A LoRA adapter around a frozen linear (plain Linear or <see cref="Quantization.Nf4Linear"/>):
/// <c>y = base(x) + B(A(dropout(x))) · alpha/r</c>. A [r, in] starts kaiming-uniform(a=√5), i.e. U(±1/√in) as
/// nn.Linear and peft do; B [out, r] starts at zero, so a fresh adapter leaves the base output unchanged.
/// Component names follow peft (<c>base_layer</c>, <c>lora_A</c>, <c>lora_B</c>) so parameter paths read the same.
/// </summary>
public sealed class LoraLinear : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> base_layer;
    private readonly Linear lora_A;
    private readonly Linear lora_B;

    public LoraLinear(Module<Tensor, Tensor> baseLayer, long inFeatures, long outFeatures, int r, double alpha, double dropout,
        Generator? generator = null) : base(nameof(LoraLinear))
    {
        if (r < 1) throw new ArgumentOutOfRangeException(nameof(r));
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = r;
        Scale = alpha / r;
        DropoutProbability = dropout;
        base_layer = baseLayer;
        lora_A = Linear(inFeatures, r, hasBias: false);
        lora_B = Linear(r, outFeatures, hasBias: false);
        using (no_grad())
        using (NewDisposeScope())
        {
            // kaiming_uniform_(a=√5) on a [r, in] matrix: gain √(2/(1+5)), bound = gain·√(3/in) = 1/√in.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            lora_A.weight!.copy_(rand([r, inFeatures], generator: generator) * (2 * bound) - bound);
            lora_B.weight!.zero_();
        }
        RegisterComponents();
        foreach (var p in base_layer.parameters())
            p.requires_grad = false;
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public int Rank { get; }
    public double Scale { get; }
    public double DropoutProbability { get; }

    public Module<Tensor, Tensor> BaseLayer => base_layer;
    /// <summary>A [r, in].</summary>
    public Parameter WeightA => lora_A.weight!;
    /// <summary>B [out, r].</summary>
    public Parameter WeightB => lora_B.weight!;

    public override Tensor forward(Tensor x)
    {
        // x: [..., in] → [..., out]
        using var scope = NewDisposeScope();
        var y = base_layer.forward(x);                               // [..., out]
        return (y + AdapterDelta(x, y.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The adapter's contribution B(A(dropout(x)))·alpha/r [..., out] in <paramref name="outputDtype"/> (the base
    /// output's dtype): forward adds it to the base output. Separate so <c>bench profile</c> can time it alone.
    /// </summary>
    public Tensor AdapterDelta(Tensor x, ScalarType outputDtype)
    {
        using var scope = NewDisposeScope();
        // Adapter math in the adapter's dtype (f32), added back in the base output's dtype.
        var h = x.to_type(WeightA.dtype);                            // [..., in]
        double scale = Scale;
        if (training && DropoutProbability > 0)
        {
            // Inverted dropout as a float 0/1 keep mask multiplied in, drawn by CounterDropout (on CPU 0.05 ms for the
            // bench model's [2, 512, 256], against 0.6 ms for rand_like + ge_ and 1.8 ms for libtorch's dropout).
            // Its 1/(1-p) is folded into the [out, r] scale below, so no [..., in] tensor is scaled.
            h = h * CounterDropout.Keep(h, DropoutProbability);
            scale /= 1 - DropoutProbability;
        }
        // The scale goes on B [out, r] rather than on the [..., out] product: one op on r·out numbers instead of
        // one on every token (without dropout, bit-identical for a power-of-two alpha/r).
        var delta = functional.linear(lora_A.forward(h), WeightB * scale); // [..., out]
        return delta.to_type(outputDtype).MoveToOuterDisposeScope();
    }

    /// <summary>ΔW = scale · B · A, [out, in].</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (WeightB.matmul(WeightA) * Scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A new plain Linear with W + scale·B·A (and the base bias): same outputs as this adapter in eval mode,
    /// without the extra matmuls. Only for plain Linear bases — merging into NF4 would requantize and lose the delta.
    /// </summary>
    public Linear Merge()
    {
        if (base_layer is not Linear lin)
            throw new InvalidOperationException($"LoraLinear.Merge: base is {base_layer.GetType().Name}; only a plain Linear can be merged");
        var merged = Linear(InFeatures, OutFeatures, hasBias: lin.bias is not null, dtype: lin.weight!.dtype, device: lin.weight.device);
        using (no_grad())
        {
            using var delta = DeltaWeight();
            merged.weight!.copy_(lin.weight + delta.to_type(lin.weight.dtype));
            if (lin.bias is not null) merged.bias!.copy_(lin.bias);
        }
        foreach (var p in merged.parameters())
            p.requires_grad = false;
        return merged;
    }
}
