using static TorchSharp.torch;

namespace LLM4EHR.Models;

/// <summary>
/// A padded batch of stays, ready for a model: the notes as token ids and, for models that read them, the time
/// series. Owns its tensors (dispose it). Position ids are computed from the mask (0,1,2… over real tokens) so left
/// and right padding give the same hidden states for real tokens. A model that reads no notes gets a [B, 0] token
/// block; one that reads no series gets <see cref="Series"/> = null.
/// </summary>
public sealed class StayBatch : IDisposable
{
    public StayBatch(Tensor inputIds, Tensor attentionMask, Tensor positionIds, Tensor labels, IReadOnlyList<string> names,
        Tensor? series = null)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        PositionIds = positionIds;
        Labels = labels;
        Names = names;
        Series = series;
    }

    /// <summary>[B, T] int64 token ids (pad id where the mask is 0).</summary>
    public Tensor InputIds { get; }
    /// <summary>[B, T] int64, 1 for a real token, 0 for padding.</summary>
    public Tensor AttentionMask { get; }
    /// <summary>[B, T] int64 positions counted over real tokens (0 at padding).</summary>
    public Tensor PositionIds { get; }
    /// <summary>[B, K] float32 labels.</summary>
    public Tensor Labels { get; }
    /// <summary>Stay names, in row order.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>[B, S, C] float32 time series (S steps, C channels), or null when the model reads none.</summary>
    public Tensor? Series { get; }

    public long BatchSize => Labels.shape[0];
    public long SequenceLength => InputIds.shape[1];

    /// <summary>The time series [B, S, C] of a batch for a model that reads them; throws when the batch carries none.</summary>
    public Tensor RequireSeries() =>
        Series ?? throw new InvalidOperationException("this model reads the time series, but the batch carries none");

    /// <summary>Pooling mask [B, S] int64 of ones over the series steps: every hour of a regular series is real.</summary>
    public Tensor SeriesStepMask()
    {
        var series = RequireSeries();
        return ones(series.shape[0], series.shape[1], dtype: ScalarType.Int64, device: series.device);
    }

    /// <summary>Number of real (non-pad) tokens in the batch.</summary>
    public long RealTokens => AttentionMask.sum().item<long>();

    /// <summary>A copy on another device (the original keeps its tensors).</summary>
    public StayBatch To(Device device) =>
        new(InputIds.to(device), AttentionMask.to(device), PositionIds.to(device), Labels.to(device), Names, Series?.to(device));

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        PositionIds.Dispose();
        Labels.Dispose();
        Series?.Dispose();
    }
}
