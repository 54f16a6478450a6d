using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace LLM4EHR.Text;

/// <summary>
/// An encoder's tokenizer loaded from a Hugging Face folder: a Microsoft.ML.Tokenizers model (WordPiece, byte-level
/// BPE or SentencePiece) plus the ids that frame a sequence, as the HF tokenizer's <c>build_inputs_with_special_tokens</c>
/// adds them (BERT, BigBird: <c>[CLS] … [SEP]</c>; RoBERTa/Longformer: <c>&lt;s&gt; … &lt;/s&gt;</c>). Loaders:
/// <see cref="BertWordPiece"/>, <see cref="RobertaBpe"/>, <see cref="BigBirdSentencePiece"/>. Thread-safe.
/// </summary>
public sealed class HfTokenizer : ITextTokenizer
{
    private readonly Tokenizer _inner;
    private readonly Func<string, string> _prepare;

    internal HfTokenizer(string kind, Tokenizer inner, int vocabSize, int padId, int[] start, int[] end,
        IReadOnlyList<string> files, string options, Func<string, string>? prepare = null)
    {
        Kind = kind;
        _inner = inner;
        _prepare = prepare ?? (t => t);
        VocabSize = vocabSize;
        PadId = padId;
        SequenceStart = start;
        SequenceEnd = end;
        Files = [.. files.Select(Path.GetFullPath)];
        Source = Files.Count > 0 ? Files[0] : kind;
        Identity = ComputeIdentity(kind, Files, options, start, end, padId);
    }

    public string Kind { get; }
    public string Source { get; }
    public string Identity { get; }
    public int VocabSize { get; }
    public int PadId { get; }
    public IReadOnlyList<int> SequenceStart { get; }
    public IReadOnlyList<int> SequenceEnd { get; }
    public IReadOnlyList<string> Files { get; }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public Tokenizer Inner => _inner;

    public int[] Encode(string text) => [.. _inner.EncodeToIds(_prepare(text))];

    // Encoder inputs are a few thousand tokens at most, so the exact prefix is the full encoding cut: no early stop to get wrong.
    public int[] EncodePrefix(string text, int maxTokens, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        var ids = Encode(text);
        truncated = ids.Length > maxTokens;
        return truncated ? ids[..maxTokens] : ids;
    }

    public string Decode(IEnumerable<int> ids) => _inner.Decode(ids);

    /// <summary>The id of <paramref name="token"/> in <paramref name="vocab"/>, or a one-line error naming the file.</summary>
    internal static int RequireId(IReadOnlyDictionary<string, int> vocab, string token, string role, string file) =>
        vocab.TryGetValue(token, out int id) ? id
            : throw new BadInputException($"{file}: the {role} token '{token}' is not in the vocabulary");

    /// <summary>A required file of the folder, or a one-line error naming it and what needs it.</summary>
    internal static string RequireFile(string dir, string name, string what)
    {
        if (!Directory.Exists(dir))
            throw new BadInputException($"{dir}: model folder not found");
        string path = Path.Combine(dir, name);
        return File.Exists(path) ? path : throw new BadInputException($"{path}: not found ({what})");
    }

    private static string ComputeIdentity(string kind, IReadOnlyList<string> files, string options, int[] start, int[] end, int pad)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{kind}-v1\n{options}\nstart {string.Join(',', start)}\nend {string.Join(',', end)}\npad {pad}\n"));
        foreach (var f in files)
        {
            using var stream = File.OpenRead(f);
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(f) + "\n"));
            hash.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
