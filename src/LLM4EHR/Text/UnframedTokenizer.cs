using System.Security.Cryptography;
using System.Text;

namespace LLM4EHR.Text;

/// <summary>
/// <paramref name="Inner"/> without framing ids: a stay's sequence is its text tokens only. BELT tokenizes this way
/// (upstream: <c>add_special_tokens=False</c>) and frames each chunk itself with [CLS] … [SEP]. Its own
/// <see cref="Identity"/>, so the token cache keeps framed and unframed splits apart.
/// </summary>
public sealed class UnframedTokenizer(ITextTokenizer inner) : ITextTokenizer
{
    public ITextTokenizer Inner { get; } = inner;

    public string Kind => Inner.Kind;
    public string Source => Inner.Source;
    public string Identity { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"unframed\n{inner.Identity}\n")));
    public int VocabSize => Inner.VocabSize;
    public int PadId => Inner.PadId;
    public IReadOnlyList<int> SequenceStart => [];
    public IReadOnlyList<int> SequenceEnd => [];
    public IReadOnlyList<string> Files => Inner.Files;
    public int[] Encode(string text) => Inner.Encode(text);
    public int[] EncodePrefix(string text, int maxTokens, out bool truncated) => Inner.EncodePrefix(text, maxTokens, out truncated);
    public string Decode(IEnumerable<int> ids) => Inner.Decode(ids);
}
