namespace LLM4EHR.Text;

/// <summary>
/// How a tokenized split is cut into batches (config keys suggested in each summary). Defaults: shuffled,
/// no bucketing, batch size 1.
/// </summary>
public sealed record BatchingSettings
{
    /// <summary><c>batch_size</c>: stays per batch.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary><c>shuffle</c>: new stay order and batch order each epoch (derived from <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// <c>bucket_by_length</c>: group stays of similar length into a batch to cut padding. Stays are shuffled, cut
    /// into windows of <see cref="BucketWindowBatches"/> batches, sorted by length inside each window and batched;
    /// then the batches are shuffled, so batches still come in random order.
    /// </summary>
    public bool BucketByLength { get; init; }

    /// <summary><c>bucket_window_batches</c>: window size in batches (larger = less padding, less randomness).</summary>
    public int BucketWindowBatches { get; init; } = 50;

    /// <summary><c>drop_last</c>: drop a final batch smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary><c>seed</c>: the run seed; same seed and epoch = same batches.</summary>
    public int Seed { get; init; } = 42;

    public void Validate()
    {
        if (BatchSize < 1)
            throw new BadInputException($"batching settings: batch_size: must be at least 1, got {BatchSize}");
        if (BucketWindowBatches < 1)
            throw new BadInputException($"batching settings: bucket_window_batches: must be at least 1, got {BucketWindowBatches}");
    }
}
