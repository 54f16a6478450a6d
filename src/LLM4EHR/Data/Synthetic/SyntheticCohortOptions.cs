namespace LLM4EHR.Data.Synthetic;

/// <summary>Size and seed of a synthetic p2x cohort; the same options always give the same files.</summary>
public sealed record SyntheticCohortOptions(ClinicalTask Task, int TrainStays = 600, int ValStays = 150, int TestStays = 150, int Seed = 1)
{
    public int Count(P2xSplit split) => split switch
    {
        P2xSplit.Train => TrainStays,
        P2xSplit.Val => ValStays,
        P2xSplit.Test => TestStays,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>Index of the split's first stay in the whole cohort (keeps names and ids unique across splits).</summary>
    public int FirstIndex(P2xSplit split) => split switch
    {
        P2xSplit.Train => 0,
        P2xSplit.Val => TrainStays,
        _ => TrainStays + ValStays,
    };

    /// <summary>Splits the total the way the demo does: 2/3 train, 1/6 val, 1/6 test.</summary>
    public static SyntheticCohortOptions FromTotal(ClinicalTask task, int totalStays, int seed)
    {
        if (totalStays < 3)
            throw new BadInputException($"--stays: need at least 3 stays (one per split), got {totalStays}");
        int val = Math.Max(1, totalStays / 6);
        return new SyntheticCohortOptions(task, totalStays - 2 * val, val, val, seed);
    }
}
