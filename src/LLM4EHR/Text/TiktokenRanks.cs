using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace LLM4EHR.Text;

/// <summary>
/// A validated BPE rank table in canonical tiktoken text form: one <c>base64-token rank</c> per line, LF endings,
/// ranks 0..Count-1 in order. Every source (a Llama-3 <c>tokenizer.model</c>, the embedded cl100k data) is turned
/// into this one form, so the tokenizer identity hash does not depend on line endings or where the ranks came from.
/// </summary>
internal sealed class TiktokenRanks
{
    private TiktokenRanks(byte[] canonical, int count)
    {
        Canonical = canonical;
        Count = count;
        Sha256 = SHA256.HashData(canonical);
    }

    /// <summary>The canonical file bytes (what <see cref="Llama3Tokenizer.WriteEmbeddedTokenizerFiles"/> writes).</summary>
    public byte[] Canonical { get; }

    /// <summary>Number of ranks = the base vocabulary size; special tokens start at this id.</summary>
    public int Count { get; }

    public byte[] Sha256 { get; }

    /// <summary>Parses a tiktoken rank file; any defect is a <see cref="BadInputException"/> naming file and line.</summary>
    public static TiktokenRanks Parse(byte[] bytes, string fileName)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BadInputException($"{fileName}: not a tiktoken rank file (binary content; a SentencePiece model? Llama-3 expected)");
        }

        var tokens = new List<(string Base64, int Rank)>(capacity: 1 << 17);
        var scratch = new byte[256];
        int lineNo = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = rawLine.Trim();
            if (line.IsEmpty)
                continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || !int.TryParse(line[(space + 1)..], out int rank) || rank < 0)
                throw new BadInputException($"{fileName}: line {lineNo}: expected '<base64-token> <rank>', got '{Shorten(line)}'");
            var token = line[..space];
            if (scratch.Length < token.Length)
                scratch = new byte[token.Length];
            if (!Convert.TryFromBase64Chars(token, scratch, out int written) || written == 0)
                throw new BadInputException($"{fileName}: line {lineNo}: token '{Shorten(token)}' is not base64");
            tokens.Add((token.ToString(), rank));
        }
        if (tokens.Count == 0)
            throw new BadInputException($"{fileName}: no ranks (empty tiktoken file)");
        return FromTokens(tokens, fileName);
    }

    /// <summary>
    /// The cl100k_base ranks shipped in Microsoft.ML.Tokenizers.Data.Cl100kBase. That package embeds them
    /// deflate-compressed in its own layout (a <c>Capacity: N</c> header, then one base64 token per CRLF line,
    /// rank = line index), not in tiktoken format, so we convert instead of feeding it to the tiktoken parser.
    /// </summary>
    public static TiktokenRanks LoadEmbeddedCl100k()
    {
        const string assemblyName = "Microsoft.ML.Tokenizers.Data.Cl100kBase";
        const string resource = "cl100k_base.tiktoken.deflate";
        var assembly = Assembly.Load(assemblyName);
        using var compressed = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} has no resource {resource}");
        using var reader = new StreamReader(new DeflateStream(compressed, CompressionMode.Decompress), Encoding.ASCII);

        string? header = reader.ReadLine();
        if (header is null || !header.StartsWith("Capacity:", StringComparison.Ordinal))
            throw new InvalidOperationException($"{resource}: unexpected header '{header}' (package layout changed?)");
        var tokens = new List<(string, int)>(capacity: 100_300);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length > 0)
                tokens.Add((line, tokens.Count));
        }
        return FromTokens(tokens, resource);
    }

    private static TiktokenRanks FromTokens(List<(string Base64, int Rank)> tokens, string fileName)
    {
        // Ranks must be exactly 0..n-1: special-token ids are placed right after the last rank, so a gap or a
        // duplicate would silently shift or collide them.
        var byRank = new string?[tokens.Count];
        var seen = new HashSet<string>(tokens.Count, StringComparer.Ordinal);
        foreach (var (base64, rank) in tokens)
        {
            if (rank >= byRank.Length)
                throw new BadInputException($"{fileName}: rank {rank} out of range (ranks must be 0..{byRank.Length - 1}, one per line)");
            if (byRank[rank] is not null)
                throw new BadInputException($"{fileName}: rank {rank} appears twice");
            if (!seen.Add(base64))
                throw new BadInputException($"{fileName}: token '{Shorten(base64)}' appears twice");
            byRank[rank] = base64;
        }

        var sb = new StringBuilder(tokens.Count * 16);
        for (int rank = 0; rank < byRank.Length; rank++)
            sb.Append(byRank[rank]).Append(' ').Append(rank).Append('\n');
        return new TiktokenRanks(Encoding.ASCII.GetBytes(sb.ToString()), byRank.Length);
    }

    private static string Shorten(ReadOnlySpan<char> s) => s.Length <= 40 ? s.ToString() : s[..40].ToString() + "…";
}
