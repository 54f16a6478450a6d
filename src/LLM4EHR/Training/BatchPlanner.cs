using LLM4EHR.Text;

namespace LLM4EHR.Training;

/// <summary>
/// Decides which stays form each batch and in which order, as a pure function of (seed, epoch): a resumed run
/// re-plans the interrupted epoch and continues at the saved batch index with exactly the same batches.
/// With length bucketing (as Hugging Face's group_by_length does) the shuffled stays are cut into mega-batches
/// of 50 batches, each sorted by length so a batch holds stays of similar length (little padding), and the
/// batches are shuffled again so long and short batches interleave.
/// </summary>
public sealed class BatchPlanner
{
    private const int BatchesPerMegaBatch = 50;

    public BatchPlanner(int batchSize, bool bucketByLength, int seed)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        BatchSize = batchSize;
        BucketByLength = bucketByLength;
        Seed = seed;
    }

    public int BatchSize { get; }
    public bool BucketByLength { get; }
    public int Seed { get; }

    /// <summary>Indices into <paramref name="stays"/> for every batch of the epoch (the last batch may be smaller).</summary>
    public IReadOnlyList<int[]> PlanEpoch(IReadOnlyList<TokenizedStay> stays, int epoch)
    {
        // System.Random with an explicit seed uses a fixed algorithm, stable across runtimes and platforms
        // (HashCode.Combine would not do: it is randomised per process).
        var rng = new Random(unchecked(Seed * 1_000_003 + epoch) & int.MaxValue);
        int[] order = Enumerable.Range(0, stays.Count).ToArray();
        rng.Shuffle(order);
        if (!BucketByLength)
            return order.Chunk(BatchSize).ToList();

        var batches = new List<int[]>();
        foreach (var mega in order.Chunk(BatchSize * BatchesPerMegaBatch))
            batches.AddRange(mega.OrderByDescending(i => stays[i].TokenIds.Length).Chunk(BatchSize));
        var shuffled = batches.ToArray();
        rng.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>
    /// Batches for scoring: longest first so padding is minimal, no shuffling. Callers put the outputs back in
    /// input order by the indices.
    /// </summary>
    public static IReadOnlyList<int[]> PlanEvaluation(IReadOnlyList<TokenizedStay> stays, int batchSize) =>
        Enumerable.Range(0, stays.Count).OrderByDescending(i => stays[i].TokenIds.Length).ThenBy(i => i)
            .Chunk(batchSize).ToList();
}
