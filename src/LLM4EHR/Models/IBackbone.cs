using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// What a <see cref="PooledClassifier"/> needs from the network under its head: a sequence of representations and
/// which positions to pool. The Llama decoder, the clinical encoders and the time-series encoders all plug in here,
/// so one classifier, one trainer and one checkpoint format serve every model family.
/// </summary>
public interface IBackbone : IDisposable
{
    /// <summary>Width H of the representations <see cref="Encode"/> returns.</summary>
    long HiddenSize { get; }

    /// <summary>The root module: frozen unless the classifier trains it, switched train/eval and disposed with it.</summary>
    nn.Module Module { get; }

    /// <summary>The linears LoRA may wrap, by Hugging Face module name; null when the backbone has none to adapt.</summary>
    ILinearHost? Linears { get; }

    /// <summary>hidden [B, T, H] (any float dtype) and mask [B, T] (1 = a position the head pools over).</summary>
    (Tensor Hidden, Tensor Mask) Encode(StayBatch batch);
}
