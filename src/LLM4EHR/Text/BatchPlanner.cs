using LLM4EHR.Models;

namespace LLM4EHR.Text;

/// <summary>
/// Decides which stays go into which batch, per epoch, as a pure function of (seed, epoch): a resumed training run
/// re-plans the interrupted epoch and continues at the saved batch index with exactly the same batches.
/// With length bucketing (as Hugging Face's group_by_length does) the shuffled stays are cut into mega-batches
/// of <see cref="BatchingSettings.BucketWindowBatches"/> batches, each sorted by length so a batch holds stays of
/// similar length (little padding), and the batches are shuffled again so long and short batches interleave.
/// </summary>
public static class BatchPlanner
{
    /// <summary>
    /// Batches of stay indices for <paramref name="epoch"/> given each stay's sequence length.
    /// Every index appears exactly once (unless <see cref="BatchingSettings.DropLast"/> drops a short last batch).
    /// </summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, BatchingSettings settings, int epoch)
    {
        settings.Validate();
        // One generator per (seed, epoch): epochs differ, reruns repeat. System.Random with an explicit seed is a
        // fixed algorithm across .NET versions and platforms (HashCode.Combine is not: it is salted per process).
        var rng = new Random(unchecked(settings.Seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        if (settings.Shuffle)
            rng.Shuffle(order);

        int b = settings.BatchSize;
        var batches = new List<int[]>((order.Length + b - 1) / b);
        if (settings.BucketByLength)
        {
            int window = b * settings.BucketWindowBatches;
            for (int start = 0; start < order.Length; start += window)
            {
                var slice = order.AsSpan(start, Math.Min(window, order.Length - start)).ToArray();
                // Stable sort by length, longest first, so the (possibly short) last batch of a window holds
                // short sequences and the order is deterministic for equal lengths.
                var sorted = slice.OrderByDescending(i => lengths[i]).ToArray();
                Cut(sorted, b, batches);
            }
        }
        else
        {
            Cut(order, b, batches);
        }

        if (settings.DropLast)
            batches.RemoveAll(batch => batch.Length < b);
        if (settings.Shuffle && settings.BucketByLength)
        {
            var shuffled = batches.ToArray();
            rng.Shuffle(shuffled);
            return shuffled;
        }
        return batches;
    }

    /// <summary>
    /// Batches for scoring: longest first so padding is minimal (and a memory problem shows in the first batch),
    /// stable for equal lengths, no shuffling. Callers put the outputs back in input order by the indices.
    /// </summary>
    public static IReadOnlyList<int[]> PlanEvaluation(IReadOnlyList<int> lengths, int batchSize)
    {
        new BatchingSettings { BatchSize = batchSize }.Validate();
        // OrderByDescending is a stable sort: equal lengths keep input order.
        var sorted = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ToArray();
        var batches = new List<int[]>((sorted.Length + batchSize - 1) / batchSize);
        Cut(sorted, batchSize, batches);
        return batches;
    }

    /// <summary>
    /// The epoch's batches of <paramref name="split"/>, collated lazily (one batch's tensors alive at a time if the
    /// caller disposes each). Row order inside a batch follows the plan.
    /// </summary>
    public static IEnumerable<StayBatch> Batches(TokenizedSplit split, BatchingSettings settings, int epoch, TokenCollator collator)
    {
        var plan = Plan(split.Lengths(), settings, epoch);
        foreach (var batch in plan)
            yield return collator.Collate([.. batch.Select(i => split.Stays[i])]);
    }

    /// <summary>Padding tokens a plan costs: Σ over batches of (batch size × longest − real tokens).</summary>
    public static long PaddingTokens(IReadOnlyList<int> lengths, IEnumerable<int[]> batches) =>
        batches.Sum(batch => (long)batch.Length * batch.Max(i => lengths[i]) - batch.Sum(i => (long)lengths[i]));

    private static void Cut(int[] order, int batchSize, List<int[]> into)
    {
        for (int start = 0; start < order.Length; start += batchSize)
            into.Add(order[start..Math.Min(start + batchSize, order.Length)]);
    }
}
