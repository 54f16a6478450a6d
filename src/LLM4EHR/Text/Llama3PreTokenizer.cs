using System.Text.RegularExpressions;

namespace LLM4EHR.Text;

/// <summary>
/// Llama-3's pre-tokenizer split (the same pattern as cl100k_base). Source-generated so splitting is not the
/// bottleneck of tokenization.
/// </summary>
internal static partial class Llama3PreTokenizer
{
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Pattern)]
    public static partial Regex Regex();
}
