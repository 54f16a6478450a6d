namespace LLM4EHR.Text;

/// <summary>A split after note selection and tokenization: stays in input order and what was done to them.</summary>
public sealed record TokenizedSplit(IReadOnlyList<TokenizedStay> Stays, TokenizationSummary Summary)
{
    /// <summary>Sequence lengths in stay order (for length-bucketed batching).</summary>
    public int[] Lengths() => [.. Stays.Select(s => s.TokenIds.Length)];
}
