namespace LLM4EHR.Text;

/// <summary>Which tokens survive when a stay's joined notes exceed <c>max_tokens</c>. BOS is always kept.</summary>
public enum TruncationSide
{
    /// <summary>Keep the start and cut the end (the seed: Hugging Face <c>truncation=True</c>).</summary>
    KeepStart,
    /// <summary>Keep the most recent tokens and cut the start (after BOS).</summary>
    KeepEnd,
}
