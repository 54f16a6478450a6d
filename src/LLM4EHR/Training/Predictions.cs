using TorchSharp;

namespace LLM4EHR.Training;

/// <summary>Model outputs for a split, in the split's order: rows are stays, columns labels ([N, K] each).</summary>
public sealed record Predictions(IReadOnlyList<string> Names, float[][] Logits, float[][] Probabilities, float[][] Labels)
{
    /// <summary>Mean binary cross-entropy of the logits: the training loss (<see cref="Models.ClassificationLoss"/>) over the split.</summary>
    public double MeanBce()
    {
        if (Logits.Length == 0)
            return double.NaN;
        using var scope = torch.NewDisposeScope();
        int k = Logits[0].Length;
        var logits = torch.tensor(Logits.SelectMany(r => r).ToArray(), [Logits.Length, k]);   // [N, K]
        var labels = torch.tensor(Labels.SelectMany(r => r).ToArray(), [Labels.Length, k]);   // [N, K]
        return Models.ClassificationLoss.BceWithLogits(logits, labels).item<float>();
    }
}
