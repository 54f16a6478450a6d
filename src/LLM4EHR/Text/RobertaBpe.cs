using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace LLM4EHR.Text;

/// <summary>
/// RoBERTa's byte-level BPE (Longformer, Clinical-Longformer) from a Hugging Face folder: <c>vocab.json</c> (token →
/// id) and <c>merges.txt</c> (merge ranks), GPT-2's pre-tokenizer regex and byte-to-unicode alphabet,
/// <c>add_prefix_space</c> from <c>tokenizer_config.json</c> (default false) → <c>&lt;s&gt; … &lt;/s&gt;</c>, pad &lt;pad&gt;.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' <c>CodeGenTokenizer</c> is the same algorithm but refuses a vocabulary without
/// <c>&lt;|endoftext|&gt;</c> (RoBERTa's has none), so the library's <see cref="BpeTokenizer"/> is used with
/// <c>ByteLevel</c> and the GPT-2 regex, which is what HF's <c>ByteLevel</c> pre-tokenizer splits with.
/// </remarks>
public static class RobertaBpe
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";
    public const string Kind = "roberta-bpe";

    // GPT-2's pattern (HF tokenizers' ByteLevel pre-tokenizer with use_regex).
    private static readonly Regex Gpt2Split = new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Loads <c>vocab.json</c>, <c>merges.txt</c> and <c>tokenizer_config.json</c> of <paramref name="dir"/>.</summary>
    public static HfTokenizer FromModelFolder(string dir)
    {
        string vocabPath = HfTokenizer.RequireFile(dir, VocabFileName, "a byte-level BPE vocabulary is required with merges.txt");
        string mergesPath = HfTokenizer.RequireFile(dir, MergesFileName, "the BPE merge ranks are required with vocab.json");
        var config = HfTokenizerConfig.Read(dir);
        bool prefixSpace = config.Flag("add_prefix_space", false)!.Value;
        var vocab = ReadVocab(vocabPath);

        BpeTokenizer inner;
        try
        {
            inner = BpeTokenizer.Create(new BpeOptions(vocabPath, mergesPath)
            {
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(Gpt2Split, specialTokens: null),
                UnknownToken = null, // every byte has a token: nothing is unknown
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException or JsonException)
        {
            throw new BadInputException($"{mergesPath}: not a BPE merges file for {vocabPath}: {e.Message}", e);
        }
        int bos = HfTokenizer.RequireId(vocab, config.Token("cls_token", config.Token("bos_token", "<s>")), "cls", vocabPath);
        int eos = HfTokenizer.RequireId(vocab, config.Token("sep_token", config.Token("eos_token", "</s>")), "sep", vocabPath);
        int pad = HfTokenizer.RequireId(vocab, config.Token("pad_token", "<pad>"), "pad", vocabPath);
        Func<string, string>? prepare = prefixSpace ? t => t.Length > 0 && !char.IsWhiteSpace(t[0]) ? " " + t : t : null;
        return new HfTokenizer(Kind, inner, vocab.Values.Max() + 1, pad, [bos], [eos], [vocabPath, mergesPath, .. config.Files],
            $"add_prefix_space={prefixSpace}", prepare);
    }

    private static Dictionary<string, int> ReadVocab(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
                vocab[p.Name] = p.Value.TryGetInt32(out int id) && id >= 0 ? id
                    : throw new BadInputException($"{path}: token {JsonSerializer.Serialize(p.Name)}: id must be a non-negative integer, got {p.Value.GetRawText()}");
            return vocab.Count > 0 ? vocab : throw new BadInputException($"{path}: empty vocabulary");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"{path}: not a JSON object of token → id: {e.Message}", e);
        }
    }
}
