using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models;

/// <summary>Multi-label binary cross-entropy on logits, the loss of both tasks.</summary>
public static class ClassificationLoss
{
    /// <summary>
    /// Mean over B×K of −[w·y·log σ(z) + (1−y)·log(1−σ(z))], w = <paramref name="posWeight"/> [K] (1 when null):
    /// logits and labels [B, K]. Computed in float32 with the numerically stable fused op.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor labels, Tensor? posWeight = null)
    {
        if (!logits.shape.SequenceEqual(labels.shape))
            throw new ArgumentException($"BCE: logits [{string.Join(',', logits.shape)}] vs labels [{string.Join(',', labels.shape)}]");
        using var scope = NewDisposeScope();
        var loss = functional.binary_cross_entropy_with_logits(
            logits.to_type(ScalarType.Float32), labels.to_type(ScalarType.Float32),
            pos_weights: posWeight?.to_type(ScalarType.Float32).to(logits.device));
        return loss.MoveToOuterDisposeScope();
    }
}
