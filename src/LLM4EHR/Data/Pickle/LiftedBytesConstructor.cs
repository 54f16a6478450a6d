using Razorvine.Pickle;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// The private globals <see cref="PickleGlobalScanner"/> writes in place of each large payload:
/// <c>llm4ehr_lifted.bytes(offset, length)</c> → a <see cref="PickleBytes"/> view of the original buffer, and
/// <c>llm4ehr_lifted.str(offset, length)</c> → a <see cref="PickleText"/> (UTF-8, decoded by the record reader),
/// <c>llm4ehr_lifted.floats(offset, length)</c> → the <c>double[]</c> of a <see cref="FloatListRun"/>.
/// </summary>
/// <remarks>
/// It is registered with Razorvine but is NOT on the input allow-list, so a file that names it is refused by the
/// scanner; only our own rewritten stream reaches it, and the bounds are checked anyway. The buffer is per thread
/// because Razorvine's constructor table is process-wide and an unpickle runs on one thread.
/// </remarks>
internal sealed class LiftedBytesConstructor(LiftedBytesConstructor.Kind kind) : IObjectConstructor
{
    public const string Module = "llm4ehr_lifted";
    public const string BytesName = "bytes";
    public const string StrName = "str";
    public const string FloatsName = "floats";

    public enum Kind { Bytes, Text, Floats }

    [ThreadStatic]
    private static ReadOnlyMemory<byte>? t_source;

    /// <summary>Makes <paramref name="source"/> the buffer lifted offsets refer to on this thread until disposed.</summary>
    public static Scope Use(ReadOnlyMemory<byte> source)
    {
        var previous = t_source;
        t_source = source;
        return new Scope(previous);
    }

    public object construct(object[] args)
    {
        var source = t_source ?? throw new BadInputException("lifted bytes outside of an unpickle");
        if (args is not [int offset, int length] || offset < 0 || length < 0 || length > source.Length - offset)
            throw new BadInputException("malformed lifted bytes reference");
        var slice = source.Slice(offset, length);
        return kind switch
        {
            Kind.Text => new PickleText(slice),
            Kind.Floats => FloatListRun.Decode(slice.Span),
            _ => new PickleBytes(slice),
        };
    }

    public readonly struct Scope(ReadOnlyMemory<byte>? previous) : IDisposable
    {
        public void Dispose() => t_source = previous;
    }
}
