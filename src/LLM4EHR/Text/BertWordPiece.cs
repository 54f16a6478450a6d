using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace LLM4EHR.Text;

/// <summary>
/// BERT's tokenizer from a Hugging Face folder: <c>vocab.txt</c> (one token per line, id = line number),
/// <c>tokenizer_config.json</c> (<c>do_lower_case</c>, default true; <c>strip_accents</c>, default: as lower-casing;
/// <c>tokenize_chinese_chars</c>, default true; the [CLS]/[SEP]/[PAD]/[UNK] spellings) → <c>[CLS] … [SEP]</c>, pad [PAD].
/// </summary>
/// <remarks>
/// Why not Microsoft.ML.Tokenizers' <c>BertTokenizer</c>: in 2.0.1 its basic tokenization differs from Hugging Face's
/// on text clinical notes are full of. It drops symbols HF keeps or splits (<c>&gt;</c>, <c>+</c>, <c>=</c>, <c>$</c>,
/// <c>°</c>: HF gives [UNK] or word pieces), and it deletes tab and newline instead of treating them as spaces
/// (<c>"mg\tq"</c> becomes <c>mg ##q</c>, HF: <c>mg q</c>); the bert-parity fixture's tokens.json shows both. So HF's
/// BasicTokenizer (transformers <c>tokenization_bert.py</c>, v4.40) is reproduced here as a <see cref="Normalizer"/> and a
/// <see cref="PreTokenizer"/>, and the library's <see cref="WordPieceTokenizer"/> does the greedy longest-match word pieces.
/// </remarks>
public static class BertWordPiece
{
    public const string VocabFileName = "vocab.txt";
    public const string Kind = "bert-wordpiece";

    /// <summary>Loads <c>vocab.txt</c> and <c>tokenizer_config.json</c> of <paramref name="dir"/>.</summary>
    public static HfTokenizer FromModelFolder(string dir)
    {
        string vocabPath = HfTokenizer.RequireFile(dir, VocabFileName, "a BERT WordPiece vocabulary is required");
        var config = HfTokenizerConfig.Read(dir);
        bool lower = config.Flag("do_lower_case", true)!.Value;
        bool stripAccents = config.Flag("strip_accents", null) ?? lower; // HF: None follows lower-casing
        bool cjk = config.Flag("tokenize_chinese_chars", true)!.Value;
        string unk = config.Token("unk_token", "[UNK]");

        WordPieceTokenizer inner;
        try
        {
            using var stream = File.OpenRead(vocabPath);
            inner = WordPieceTokenizer.Create(stream, new WordPieceOptions
            {
                Normalizer = new BasicNormalizer(lower, stripAccents, cjk),
                PreTokenizer = new WhitespaceAndPunctuation(),
                UnknownToken = unk,
                ContinuingSubwordPrefix = "##",
                MaxInputCharsPerWord = 100,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new BadInputException($"{vocabPath}: not a WordPiece vocabulary: {e.Message}", e);
        }
        var vocab = ReadVocab(vocabPath);
        int cls = HfTokenizer.RequireId(vocab, config.Token("cls_token", "[CLS]"), "cls", vocabPath);
        int sep = HfTokenizer.RequireId(vocab, config.Token("sep_token", "[SEP]"), "sep", vocabPath);
        int pad = HfTokenizer.RequireId(vocab, config.Token("pad_token", "[PAD]"), "pad", vocabPath);
        HfTokenizer.RequireId(vocab, unk, "unk", vocabPath);
        return new HfTokenizer(Kind, inner, vocab.Values.Max() + 1, pad, [cls], [sep], [vocabPath, .. config.Files],
            $"lower={lower} strip_accents={stripAccents} cjk={cjk} unk={unk}");
    }

    // As HF's load_vocab: token = the line without its newline, id = line number (a repeated token keeps its last id).
    private static Dictionary<string, int> ReadVocab(string path)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        int id = 0;
        foreach (var line in File.ReadLines(path))
            vocab[line] = id++;
        if (id == 0)
            throw new BadInputException($"{path}: empty vocabulary");
        return vocab;
    }

    /// <summary>
    /// HF BasicTokenizer's character pass: drop NUL, U+FFFD and control characters; whitespace → space; spaces around
    /// CJK ideographs; NFC; lower-case and strip accents (NFD, drop non-spacing marks) when configured.
    /// </summary>
    internal sealed class BasicNormalizer(bool lower, bool stripAccents, bool cjk) : Normalizer
    {
        public override string Normalize(string original) => Normalize(original.AsSpan());

        public override string Normalize(ReadOnlySpan<char> original)
        {
            var sb = new StringBuilder(original.Length + 8);
            foreach (var rune in original.EnumerateRunes())
            {
                int cp = rune.Value;
                if (cp == 0 || cp == 0xFFFD || IsControl(rune))
                    continue;
                if (IsWhitespace(rune))
                    sb.Append(' ');
                else if (cjk && IsCjk(cp))
                    sb.Append(' ').Append(rune.ToString()).Append(' ');
                else
                    sb.Append(rune.ToString());
            }
            string text = sb.ToString().Normalize(NormalizationForm.FormC);
            if (lower)
                text = text.ToLowerInvariant();
            if (stripAccents)
                text = StripAccents(text);
            return text;
        }

        private static string StripAccents(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var rune in text.Normalize(NormalizationForm.FormD).EnumerateRunes())
                if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
                    sb.Append(rune.ToString());
            return sb.ToString();
        }
    }

    /// <summary>HF BasicTokenizer's split: on whitespace, and every punctuation character is a word of its own.</summary>
    internal sealed class WhitespaceAndPunctuation : PreTokenizer
    {
        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

        private static List<(int Offset, int Length)> Split(string text)
        {
            var words = new List<(int, int)>();
            int start = -1, i = 0;
            while (i < text.Length)
            {
                var rune = Rune.GetRuneAt(text, i);
                int width = rune.Utf16SequenceLength;
                if (IsWhitespace(rune) || IsPunctuation(rune))
                {
                    if (start >= 0)
                        words.Add((start, i - start));
                    start = -1;
                    if (!IsWhitespace(rune))
                        words.Add((i, width));
                }
                else if (start < 0)
                {
                    start = i;
                }
                i += width;
            }
            if (start >= 0)
                words.Add((start, text.Length - start));
            return words;
        }
    }

    private static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    // Python's unicodedata categories starting with "C": Cc, Cf, Cs, Co, Cn (tab, newline, CR are whitespace instead).
    private static bool IsControl(Rune r) => r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned;

    // Every non-alphanumeric ASCII character counts (HF: "$", "^", "`" are not Unicode punctuation but are split).
    private static bool IsPunctuation(Rune r) => r.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static bool IsCjk(int cp) => cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
        or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF)
        or (>= 0x2F800 and <= 0x2FA1F);
}
