using LLM4EHR.Text;

namespace LLM4EHR.Experiments;

/// <summary>The tokenized train/val/test splits of an experiment and what tokenization dropped or cut.</summary>
public sealed record PreparedSplits(
    ITextTokenizer Tokenizer,
    IReadOnlyList<TokenizedStay> Train,
    IReadOnlyList<TokenizedStay> Val,
    IReadOnlyList<TokenizedStay> Test,
    IReadOnlyDictionary<string, TokenizationSummary> Summaries);
