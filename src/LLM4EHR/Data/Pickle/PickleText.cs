using System.Text;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A long pickle <c>str</c> (a note) left undecoded in the file: the record reader decodes it, so the notes of
/// different records are decoded in parallel instead of one by one inside Razorvine's single-threaded parse.
/// Made only by <see cref="LiftedBytesConstructor"/>; decoding is Razorvine's own (UTF-8, invalid bytes → U+FFFD).
/// </summary>
internal sealed class PickleText(ReadOnlyMemory<byte> utf8)
{
    public string Decode() => Encoding.UTF8.GetString(utf8.Span);

    /// <summary>The string a pickle value stands for, or null when it is not a str.</summary>
    public static string? AsString(object? value) => value switch
    {
        string s => s,
        PickleText t => t.Decode(),
        _ => null,
    };
}
