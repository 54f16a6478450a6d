using LLM4EHR.Text;

namespace LLM4EHR.Experiments;

/// <summary>
/// The tokenized train/val/test splits of an experiment and what tokenization dropped or cut. Models that read no
/// notes get stays without tokens: no <see cref="Tokenizer"/>, and the loaded stays in <see cref="Raw"/>.
/// </summary>
public sealed record PreparedSplits(
    ITextTokenizer? Tokenizer,
    IReadOnlyList<TokenizedStay> Train,
    IReadOnlyList<TokenizedStay> Val,
    IReadOnlyList<TokenizedStay> Test,
    IReadOnlyDictionary<string, TokenizationSummary> Summaries)
{
    /// <summary>The loaded stays when the pipeline loaded them itself (no token cache in between), else null.</summary>
    public Data.P2xSplits? Raw { get; init; }
}
