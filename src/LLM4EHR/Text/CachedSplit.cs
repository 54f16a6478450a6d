namespace LLM4EHR.Text;

/// <summary>A tokenized split from <see cref="TokenizedSplitCache"/>, how it was obtained and its cache file.</summary>
public sealed record CachedSplit(TokenizedSplit Split, CacheOutcome Outcome, string CachePath);
