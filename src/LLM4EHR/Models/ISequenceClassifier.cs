using LLM4EHR.Text;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace LLM4EHR.Models;

/// <summary>
/// What the trainer needs from a model: logits for a token batch, the parameters it may update, and a
/// training/eval switch. The Llama classifier (frozen, optionally NF4, base + LoRA + pooled head) implements it.
/// </summary>
public interface ISequenceClassifier : IDisposable
{
    /// <summary>Number of labels the head predicts (1 IHM, 25 Pheno).</summary>
    int LabelCount { get; }

    /// <summary>Logits [B, K] in float32 (no sigmoid) for a batch already on the model's device.</summary>
    Tensor Logits(StayBatch batch);

    /// <summary>The parameters the optimizer updates (LoRA adapters and head), under stable names.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters();

    /// <summary>
    /// Whether a trainable parameter (by its name in <see cref="TrainableParameters"/>) belongs to the classification
    /// head, which may train with its own learning rate (<c>training.head_lr</c>).
    /// </summary>
    bool IsHeadParameter(string name) => name.StartsWith("head.", StringComparison.Ordinal);

    /// <summary>
    /// A regularization term added to the training loss (a scalar on the model's device, e.g. the L2 penalty of a
    /// logistic regression), or null for none. Validation loss and metrics never include it.
    /// </summary>
    Tensor? Penalty() => null;

    /// <summary>Training mode enables dropout; eval mode disables it.</summary>
    void SetTrainingMode(bool training);
}
