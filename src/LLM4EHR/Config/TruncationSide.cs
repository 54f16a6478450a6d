namespace LLM4EHR.Config;

/// <summary>Which end of an over-long token sequence survives truncation to max_tokens.</summary>
public enum TruncationSide
{
    KeepStart,
    KeepEnd,
}
