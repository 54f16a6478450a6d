using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LLM4EHR.Models.TimeSeries;

/// <summary>
/// No network: the batch's precomputed feature vector (the standardized hand features of <c>logreg</c>, carried as a
/// one-step series [B, 1, F]) is the representation, so the pooled head is exactly a logistic regression on it.
/// </summary>
public sealed class FeatureBackbone(long featureCount) : Module(nameof(FeatureBackbone)), IBackbone
{
    public long HiddenSize { get; } = featureCount;
    public Module Module => this;
    public ILinearHost? Linears => null;

    /// <summary>series [B, 1, F] → the same [B, 1, F] and a mask [B, 1] of ones.</summary>
    public (Tensor Hidden, Tensor Mask) Encode(StayBatch batch)
    {
        var features = batch.RequireSeries();
        if (features.shape[2] != HiddenSize)
            throw new InvalidOperationException($"expected {HiddenSize} features per stay, got {features.shape[2]}");
        return (features.alias(), batch.SeriesStepMask());
    }
}
