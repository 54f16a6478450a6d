using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text;
using LLM4EHR.IO;
using Microsoft.ML.Tokenizers;

namespace LLM4EHR.Text;

/// <summary>
/// A Llama-3 tokenizer: tiktoken BPE ranks + the Llama-3 pre-tokenizer split + 256 special tokens appended after
/// the ranks. Loads a Hugging Face model folder (<see cref="FromModelFolder"/>) or the embedded cl100k ranks
/// (<see cref="Embedded"/>; Llama-3's first 100k ranks are cl100k's), which need no download. Thread-safe.
/// </summary>
/// <remarks>
/// Note text is encoded as plain text: a note that happens to contain <c>&lt;|eot_id|&gt;</c> gets the ordinary
/// BPE tokens for those characters, never the special id (the pre-tokenizer is built without special tokens), so
/// note content cannot inject control tokens. Special ids are added only by us (BOS) and decode normally.
/// </remarks>
public sealed class Llama3Tokenizer
{
    /// <summary>File names tried, in order, inside a model folder.</summary>
    public static readonly IReadOnlyList<string> RankFileNames = ["original/tokenizer.model", "tokenizer.model"];

    // Distinct pre-tokens kept in the BPE cache. Clinical prose reuses a modest vocabulary, so a cache larger than
    // the library default (8192) keeps nearly every word a cache hit, which is what makes tokenization fast.
    private const int BpeCacheSize = 1 << 16;

    private static readonly Lazy<Llama3Tokenizer> EmbeddedInstance =
        new(() => new Llama3Tokenizer(TiktokenRanks.LoadEmbeddedCl100k(), "embedded cl100k_base"));

    private readonly TiktokenTokenizer _tokenizer;

    private Llama3Tokenizer(TiktokenRanks ranks, string source)
    {
        BaseVocabSize = ranks.Count;
        Source = source;
        SpecialTokens = Llama3SpecialTokens.For(ranks.Count);
        Identity = ComputeIdentity(ranks, SpecialTokens);
        Ranks = ranks;
        _tokenizer = TiktokenTokenizer.Create(
            new MemoryStream(ranks.Canonical, writable: false),
            new RegexPreTokenizer(Llama3PreTokenizer.Regex(), specialTokens: null),
            normalizer: null,
            specialTokens: SpecialTokens,
            cacheSize: BpeCacheSize);
    }

    /// <summary>cl100k_base ranks (100256) with the Llama-3 special tokens after them: BOS = 100256, vocab 100512.</summary>
    public static Llama3Tokenizer Embedded => EmbeddedInstance.Value;

    /// <summary>
    /// Loads the tokenizer of a Hugging Face Llama-3 folder from <c>original/tokenizer.model</c> or
    /// <c>tokenizer.model</c> (tiktoken format). Missing or malformed files are a <see cref="BadInputException"/>.
    /// </summary>
    public static Llama3Tokenizer FromModelFolder(string modelDir)
    {
        if (!Directory.Exists(modelDir))
            throw new BadInputException($"{modelDir}: model folder not found");
        foreach (var name in RankFileNames)
        {
            var path = Path.Combine(modelDir, name);
            if (File.Exists(path))
                return FromRankFile(path);
        }
        throw new BadInputException(
            $"{Path.Combine(modelDir, "tokenizer.model")}: not found (nor original/tokenizer.model); a Llama-3 tiktoken rank file is required");
    }

    /// <summary>Loads a tiktoken rank file (<c>base64-token rank</c> per line).</summary>
    public static Llama3Tokenizer FromRankFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read tokenizer file: {e.Message}", e);
        }
        return new Llama3Tokenizer(TiktokenRanks.Parse(bytes, path), path);
    }

    /// <summary>
    /// Writes the embedded ranks as a standard tiktoken <c>tokenizer.model</c> into <paramref name="modelDir"/>
    /// (atomically), so a tiny model folder written by the project loads through <see cref="FromModelFolder"/>
    /// and gets the same <see cref="Identity"/> as <see cref="Embedded"/>. Returns the file path.
    /// </summary>
    public static string WriteEmbeddedTokenizerFiles(string modelDir)
    {
        Directory.CreateDirectory(modelDir);
        var path = Path.Combine(modelDir, "tokenizer.model");
        AtomicFile.WriteAllBytes(path, Embedded.Ranks.Canonical);
        return path;
    }

    /// <summary>Number of BPE ranks; the first special token has this id.</summary>
    public int BaseVocabSize { get; }

    /// <summary>Base ranks + 256 special tokens: the embedding/LM-head row count a model needs.</summary>
    public int VocabSize => BaseVocabSize + Llama3SpecialTokens.Count;

    public int BeginOfTextId => BaseVocabSize + Llama3SpecialTokens.BeginOfTextOffset;
    public int EndOfTextId => BaseVocabSize + Llama3SpecialTokens.EndOfTextOffset;
    public int EndOfTurnId => BaseVocabSize + Llama3SpecialTokens.EndOfTurnOffset;

    /// <summary>Special token name → id.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Where the ranks came from (a file path or "embedded cl100k_base").</summary>
    public string Source { get; }

    /// <summary>Hex SHA-256 over the canonical ranks and the special tokens: keys caches of tokenized data.</summary>
    public string Identity { get; }

    internal TiktokenRanks Ranks { get; }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public Tokenizer Inner => _tokenizer;

    /// <summary>Token ids of plain text (no BOS; special-token strings in the text are not special).</summary>
    public int[] Encode(string text) => [.. _tokenizer.EncodeToIds(text)];

    /// <summary>
    /// At most <paramref name="maxTokens"/> ids: exactly the first <paramref name="maxTokens"/> of <see cref="Encode"/>.
    /// Stops early on long text (the point: truncation at the start need not tokenize the rest).
    /// </summary>
    public int[] EncodePrefix(string text, int maxTokens, out bool truncated)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        // The library stops before a pre-token whose tokens do not all fit, so it may return fewer than asked
        // while a full encoding would split that word. Ask for some slack and cut, so the result is an exact prefix.
        const int slack = 64;
        var ids = _tokenizer.EncodeToIds(text, maxTokens + slack, out _, out int consumed);
        bool more = consumed < text.Length;
        if (more && ids.Count <= maxTokens)
            ids = _tokenizer.EncodeToIds(text); // a single pre-token longer than the slack: take the slow exact path
        truncated = ids.Count > maxTokens;
        return truncated ? [.. ids.Take(maxTokens)] : [.. ids];
    }

    /// <summary>Text of <paramref name="ids"/>; special ids decode to their names.</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);

    private static string ComputeIdentity(TiktokenRanks ranks, IReadOnlyDictionary<string, int> specials)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes("llama3-tiktoken-v1\n"));
        hash.AppendData(ranks.Sha256);
        hash.AppendData(Encoding.ASCII.GetBytes(Llama3PreTokenizer.Pattern + "\n"));
        foreach (var (name, id) in specials.OrderBy(kv => kv.Value))
            hash.AppendData(Encoding.UTF8.GetBytes($"{id} {name}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

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
