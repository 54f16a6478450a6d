namespace LLM4EHR.Data;

/// <summary>The three loaded splits of one task.</summary>
public sealed record P2xSplits(IReadOnlyList<IcuStay> Train, IReadOnlyList<IcuStay> Val, IReadOnlyList<IcuStay> Test)
{
    public IReadOnlyList<IcuStay> this[P2xSplit split] => split switch
    {
        P2xSplit.Train => Train,
        P2xSplit.Val => Val,
        P2xSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };
}
