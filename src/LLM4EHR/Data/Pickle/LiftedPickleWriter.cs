using System.Buffers;
using System.Buffers.Binary;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// Builds the stream Razorvine actually parses: the input with every large bytes payload replaced by a call of
/// <see cref="LiftedBytesConstructor"/> naming its offset and length in the input. Razorvine would otherwise copy
/// each payload into a fresh <c>byte[]</c> (most of a p2x file is NumPy data), which costs a copy and, since all
/// of it survives until the records are built, most of the load's GC time.
/// </summary>
/// <remarks>
/// The output is never longer than the input (a payload of at least <see cref="MinLiftBytes"/> is replaced by
/// at most <see cref="CallBytes"/> bytes), so it lives in one buffer rented from the shared pool; bytes after the STOP
/// opcode are stale and never read.
/// </remarks>
internal sealed class LiftedPickleWriter(ReadOnlyMemory<byte> input) : IDisposable
{
    /// <summary>Smaller payloads (dtype codes, scalars, dict keys, names) are left in the stream.</summary>
    public const int MinLiftBytes = 256;

    // GLOBAL 'llm4ehr_lifted\nbytes\n' (or str), BININT offset, BININT length, TUPLE2, REDUCE.
    private static readonly byte[] BytesGlobal = Global(LiftedBytesConstructor.BytesName);
    private static readonly byte[] StrGlobal = Global(LiftedBytesConstructor.StrName);
    private static readonly byte[] FloatsGlobal = Global(LiftedBytesConstructor.FloatsName);
    private static readonly int CallBytes = Math.Max(BytesGlobal.Length, StrGlobal.Length) + 5 + 5 + 2;

    /// <summary>Replaces a float list (EMPTY_LIST at <paramref name="opcodeAt"/>) with a call yielding a double[]; its
    /// memo opcode is kept, after the call, so it memoizes the same slot.</summary>
    public void LiftFloats(int opcodeAt, FloatListRun run)
    {
        CopyUpTo(opcodeAt);
        _written = Call(FloatsGlobal, run.Start, run.End - run.Start);
        input.Span[run.MemoAt..run.Start].CopyTo(Output.AsSpan(_written));
        _written += run.Start - run.MemoAt;
        _copiedUpTo = run.End;
        _lifted++;
    }

    private byte[]? _output = ArrayPool<byte>.Shared.Rent(input.Length);
    private int _written;
    private int _copiedUpTo;   // input bytes before this offset are already in the output
    private int _lifted;

    /// <summary>Number of payloads replaced so far.</summary>
    public int Lifted => _lifted;

    /// <summary>Replaces the opcode at <paramref name="opcodeAt"/> whose payload spans [payloadAt, payloadAt+length)
    /// with a call that yields <see cref="PickleBytes"/>, or <see cref="PickleText"/> for a UTF-8 <paramref name="text"/>.</summary>
    public void Lift(int opcodeAt, int payloadAt, int length, bool text)
    {
        CopyUpTo(opcodeAt);
        _written = Call(text ? StrGlobal : BytesGlobal, payloadAt, length);
        _copiedUpTo = payloadAt + length;
        _lifted++;
    }

    /// <summary>Writes global(offset, length) at the output end; returns the new end.</summary>
    private int Call(byte[] global, int offset, int length)
    {
        var output = Output;
        global.CopyTo(output, _written);
        int o = _written + global.Length;
        output[o] = (byte)'J';
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(o + 1), offset);
        output[o + 5] = (byte)'J';
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(o + 6), length);
        output[o + 10] = 0x86; // TUPLE2
        output[o + 11] = (byte)'R'; // REDUCE
        return o + 12;
    }

    /// <summary>Copies the rest of the input up to and including the STOP opcode at <paramref name="stopAt"/>.</summary>
    public void Finish(int stopAt) => CopyUpTo(stopAt + 1);

    /// <summary>The rewritten stream (valid up to its STOP opcode); owned by this writer.</summary>
    public byte[] Output => _output ?? throw new ObjectDisposedException(nameof(LiftedPickleWriter));

    public void Dispose()
    {
        if (_output is { } output)
            ArrayPool<byte>.Shared.Return(output);
        _output = null;
    }

    private static byte[] Global(string name) =>
        System.Text.Encoding.ASCII.GetBytes($"c{LiftedBytesConstructor.Module}\n{name}\n");

    private void CopyUpTo(int end)
    {
        int count = end - _copiedUpTo;
        input.Span.Slice(_copiedUpTo, count).CopyTo(Output.AsSpan(_written));
        _written += count;
        _copiedUpTo = end;
    }
}
