using LLM4EHR.Evaluation;
using LLM4EHR.Models;
using LLM4EHR.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Training;

/// <summary>Runs a classifier over a split (eval mode, no gradients) and returns logits, probabilities and labels.</summary>
public static class Predictor
{
    public static Predictions Predict(
        ISequenceClassifier model,
        IReadOnlyList<TokenizedStay> stays,
        Func<IReadOnlyList<TokenizedStay>, StayBatch> collate,
        int batchSize,
        Device? device = null,
        CancellationToken cancellationToken = default)
    {
        device ??= CPU;
        var logits = new float[stays.Count][];
        model.SetTrainingMode(false);
        using (no_grad())
        {
            foreach (var batchIndices in BatchPlanner.PlanEvaluation([.. stays.Select(s => s.TokenIds.Length)], batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var batch = OnDevice(collate(batchIndices.Select(i => stays[i]).ToArray()), device);
                var output = model.Logits(batch).to(ScalarType.Float32).cpu();   // [B, K]
                int k = (int)output.shape[1];
                float[] flat = output.data<float>().ToArray();
                for (int row = 0; row < batchIndices.Length; row++)
                    logits[batchIndices[row]] = flat.AsSpan(row * k, k).ToArray();
            }
        }
        // The evaluation's sigmoid (stable in both tails), so the trainer and `evaluate` turn logits into the same numbers.
        var probabilities = logits.Select(row => Sigmoid.Of(row).Select(p => (float)p).ToArray()).ToArray();
        return new Predictions(stays.Select(s => s.Name).ToArray(), logits, probabilities,
            stays.Select(s => (float[])s.Labels.Clone()).ToArray());
    }

    /// <summary>The batch on the device; a CPU batch is returned as is, otherwise a copy is made and the CPU one disposed.</summary>
    internal static StayBatch OnDevice(StayBatch batch, Device device)
    {
        if (batch.InputIds.device_type == device.type && (device.type == TorchSharp.DeviceType.CPU || batch.InputIds.device_index == device.index))
            return batch;
        using (batch)
            return batch.To(device);
    }
}

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
