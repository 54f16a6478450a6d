using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Models.Quantization;

/// <summary>
/// y = linear(x, W, bias) for an <see cref="Nf4Linear"/> as a custom autograd function (bitsandbytes' MatMul4Bit):
/// forward dequantizes W, uses it and drops it; it saves only the layer's packed codes and scales (references to its
/// buffers, no copies). Backward dequantizes W again, in the incoming gradient's dtype and on its device, and returns
/// grad_x = grad_y · W. The base is frozen, so there is no weight or bias gradient. Under gradient checkpointing the
/// layer recompute goes through here too, so the checkpointed graph holds no full-precision weight either.
/// </summary>
internal sealed class Nf4MatMul : autograd.SingleTensorFunction<Nf4MatMul>
{
    public override string Name => nameof(Nf4MatMul);

    /// <summary>x [..., in] (requires grad) → y [..., out] whose backward reaches x.</summary>
    public static Tensor Apply(Nf4Linear layer, Tensor x) => apply(layer, x);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        AutogradHandOff.FreeEarlier();
        var layer = (Nf4Linear)vars[0];
        var x = (Tensor)vars[1];
        ctx.save_for_backward(layer.QuantizationState());
        ctx.save_data("shape", new[] { layer.OutFeatures, layer.InFeatures });
        // apply() runs this under no_grad: the dequantized W is freed when the linear returns.
        return layer.LinearNoGraph(x);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        AutogradHandOff.FreeEarlier();
        using var scope = NewDisposeScope();
        var state = ctx.get_saved_variables();
        var shape = (long[])ctx.get_data("shape");
        var w = Nf4Linear.Dequantize(state, shape, gradOutput.dtype).to(gradOutput.device); // [out, in]
        var gradInput = gradOutput.matmul(w);                                                 // [..., in]
        AutogradHandOff.Release(gradOutput);
        // One slot per apply() argument: none for the layer. The engine takes the gradient after this returns.
        return [null!, AutogradHandOff.HandOver(gradInput)];
    }
}
