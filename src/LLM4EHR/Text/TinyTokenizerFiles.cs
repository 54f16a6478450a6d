using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLM4EHR.IO;

namespace LLM4EHR.Text;

/// <summary>
/// Writes small tokenizers in the real Hugging Face formats for the tiny demo encoders, built from a word list (the
/// synthetic notes' words): whole words as tokens, single characters as the fallback, so any text still encodes.
/// They load through <see cref="BertWordPiece"/>, <see cref="RobertaBpe"/> and <see cref="BigBirdSentencePiece"/>, the
/// code that loads real checkpoints' files. Each returns the vocabulary size (the model's <c>vocab_size</c>).
/// </summary>
public static class TinyTokenizerFiles
{
    // Printable ASCII: the character fallback of the WordPiece and SentencePiece vocabularies.
    private static readonly string[] Characters = [.. Enumerable.Range(33, 94).Select(c => ((char)c).ToString())];

    /// <summary>BERT: <c>vocab.txt</c> ([PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, words, characters, ##characters) and a lower-casing config.</summary>
    public static int WriteWordPiece(string dir, IEnumerable<string> words)
    {
        var tokens = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }
            .Concat(Characters.Select(c => c.ToLowerInvariant())).Concat(words.Select(w => w.ToLowerInvariant()))
            .Concat(Characters.Select(c => "##" + c.ToLowerInvariant())).Distinct(StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, BertWordPiece.VocabFileName), string.Join('\n', tokens) + "\n");
        WriteConfig(dir, new JsonObject { ["tokenizer_class"] = "BertTokenizer", ["do_lower_case"] = true });
        return tokens.Count;
    }

    /// <summary>
    /// RoBERTa: <c>vocab.json</c> (&lt;s&gt;=0, &lt;pad&gt;=1, &lt;/s&gt;=2, &lt;unk&gt;=3, the 256 byte symbols, merged
    /// tokens) and <c>merges.txt</c>: for each word, the left-to-right merges that build it, with and without the
    /// leading space (Ġ). The space-led merges rank first, so a word after a space always becomes one token.
    /// </summary>
    public static int WriteByteBpe(string dir, IEnumerable<string> words)
    {
        var bytes = ByteSymbols();
        var vocab = new Dictionary<string, int> { ["<s>"] = 0, ["<pad>"] = 1, ["</s>"] = 2, ["<unk>"] = 3 };
        foreach (var symbol in bytes)
            vocab.TryAdd(symbol.ToString(), vocab.Count);
        var merges = new List<string>();
        var list = words.ToList();
        foreach (bool spaced in new[] { true, false })
            foreach (var word in list)
            {
                var symbols = Encoding.UTF8.GetBytes(spaced ? " " + word : word).Select(b => bytes[b].ToString()).ToList();
                string left = symbols[0];
                foreach (var right in symbols.Skip(1))
                {
                    if (vocab.TryAdd(left + right, vocab.Count))
                        merges.Add($"{left} {right}");
                    left += right;
                }
            }
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, RobertaBpe.VocabFileName), JsonSerializer.Serialize(vocab));
        AtomicFile.WriteAllText(Path.Combine(dir, RobertaBpe.MergesFileName), "#version: 0.2\n" + string.Join('\n', merges) + "\n");
        WriteConfig(dir, new JsonObject { ["tokenizer_class"] = "RobertaTokenizer", ["add_prefix_space"] = false });
        return vocab.Count;
    }

    /// <summary>
    /// BigBird: a unigram <c>spiece.model</c> (&lt;pad&gt;=0, &lt;/s&gt;=1, &lt;s&gt;=2, &lt;unk&gt;=3, [CLS], [SEP], [MASK]
    /// as control pieces, then ▁word pieces, then ▁ and single characters with low scores).
    /// </summary>
    public static int WriteSentencePiece(string dir, IEnumerable<string> words)
    {
        var control = SentencePieceModelFile.PieceType.Control;
        var pieces = new List<SentencePieceModelFile.Piece>
        {
            new("<pad>", 0, control), new("</s>", 0, control), new("<s>", 0, control),
            new("<unk>", 0, SentencePieceModelFile.PieceType.Unknown),
            new("[CLS]", 0, control), new("[SEP]", 0, control), new("[MASK]", 0, control),
        };
        var seen = new HashSet<string>(pieces.Select(p => p.Text), StringComparer.Ordinal);
        foreach (var w in words.Select(w => "\u2581" + w))
            if (seen.Add(w))
                pieces.Add(new(w, -2f, SentencePieceModelFile.PieceType.Normal));
        foreach (var c in Characters.Prepend("\u2581"))
            if (seen.Add(c))
                pieces.Add(new(c, -20f, SentencePieceModelFile.PieceType.Normal));
        var model = new SentencePieceModelFile(pieces, SentencePieceModelFile.ModelKind.Unigram, UnkId: 3, BosId: 2, EosId: 1, PadId: 0);
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(Path.Combine(dir, BigBirdSentencePiece.ModelFileName), model.ToBytes());
        WriteConfig(dir, new JsonObject { ["tokenizer_class"] = "BigBirdTokenizer" });
        return pieces.Count;
    }

    /// <summary>GPT-2's byte → printable symbol table (byte b's symbol is <c>result[b]</c>), as RoBERTa's vocab.json spells bytes.</summary>
    public static char[] ByteSymbols()
    {
        var table = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            table[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return table;
    }

    private static void WriteConfig(string dir, JsonObject config) =>
        AtomicFile.WriteAllText(Path.Combine(dir, HfTokenizerConfig.FileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
