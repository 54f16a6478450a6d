namespace LLM4EHR.Text;

/// <summary>
/// The 256 Llama-3 special tokens. They are appended after the base (BPE rank) vocabulary, so their ids are
/// <c>baseCount + offset</c>: with Llama-3's 128000 ranks that gives <c>&lt;|begin_of_text|&gt;</c> = 128000 …
/// <c>&lt;|reserved_special_token_250|&gt;</c> = 128255; with the embedded cl100k ranks (100256) BOS = 100256.
/// </summary>
public static class Llama3SpecialTokens
{
    /// <summary>How many special tokens Llama-3 reserves.</summary>
    public const int Count = 256;

    public const string BeginOfText = "<|begin_of_text|>";
    public const string EndOfText = "<|end_of_text|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfTurn = "<|eot_id|>";

    // Offsets of the named tokens after the base vocabulary (Meta's llama3 tokenizer.py order).
    public const int BeginOfTextOffset = 0;
    public const int EndOfTextOffset = 1;
    public const int StartHeaderOffset = 6;
    public const int EndHeaderOffset = 7;
    public const int EndOfTurnOffset = 9;

    /// <summary>Name of the special token at <paramref name="offset"/> (0..255) after the base vocabulary.</summary>
    public static string NameAt(int offset) => offset switch
    {
        BeginOfTextOffset => BeginOfText,
        EndOfTextOffset => EndOfText,
        >= 2 and <= 5 => Reserved(offset - 2),
        StartHeaderOffset => StartHeader,
        EndHeaderOffset => EndHeader,
        8 => Reserved(4),
        EndOfTurnOffset => EndOfTurn,
        >= 10 and < Count => Reserved(offset - 5),
        _ => throw new ArgumentOutOfRangeException(nameof(offset), offset, "Llama-3 has 256 special tokens"),
    };

    /// <summary>All 256 special tokens with their ids for a base vocabulary of <paramref name="baseCount"/> ranks.</summary>
    public static IReadOnlyDictionary<string, int> For(int baseCount)
    {
        var map = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int offset = 0; offset < Count; offset++)
            map.Add(NameAt(offset), baseCount + offset);
        return map;
    }

    private static string Reserved(int index) => $"<|reserved_special_token_{index}|>";
}
