using System.Buffers.Binary;
using System.Text;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// Walks a pickle's opcodes without building anything and refuses the stream unless every global it names
/// (GLOBAL, INST, STACK_GLOBAL) is on <see cref="PickleAllowList"/>. Also rejects what we never accept:
/// a missing protocol 2–5 header, truncation, unknown opcodes, persistent ids, extension codes,
/// out-of-band buffers.
/// </summary>
/// <remarks>
/// STACK_GLOBAL takes module and name from the stack. We track the strings known to sit on top of the stack
/// (and in the memo) and clear that knowledge after any other opcode, which is always conservative: a
/// STACK_GLOBAL whose operands are not both known strings is refused, so nothing unchecked is ever looked up.
/// CPython's pickler always emits the names directly before STACK_GLOBAL (or fetches them from the memo).
/// </remarks>
internal static class PickleGlobalScanner
{
    private const int MaxNameBytes = 512;

    /// <summary>Throws <see cref="BadInputException"/> (message without file prefix) if the stream is refused.
    /// With <paramref name="lift"/>, also hands it every large bytes payload to replace (same single pass).</summary>
    public static void Check(ReadOnlySpan<byte> data, LiftedPickleWriter? lift = null)
    {
        if (data.Length == 0)
            throw new BadInputException("empty file");
        if (data.Length < 2 || data[0] != 0x80)
            throw new BadInputException("not a pickle (no protocol header)");
        if (data[1] is < 2 or > 5)
            throw new BadInputException($"unsupported pickle protocol {data[1]} (expected 2 to 5)");

        var known = new List<string?>(4);          // top-of-stack values known to be strings (last = top)
        var memo = new Dictionary<int, string?>();  // memo slots: the string stored there, or null
        int pos = 0;
        while (true)
        {
            if (pos >= data.Length)
                throw new BadInputException($"truncated pickle (no STOP opcode, {data.Length} bytes)");
            int at = pos;
            byte op = data[pos++];
            string? pushed = null;   // the string this opcode pushes, if any
            bool keepsStack = false; // opcode leaves the stack untouched
            switch (op)
            {
                case (byte)'.': // STOP
                    lift?.Finish(at);
                    return;
                case 0x80: Skip(data, ref pos, 1); keepsStack = true; break;                 // PROTO
                case 0x95: Skip(data, ref pos, 8); keepsStack = true; break;                 // FRAME
                case (byte)'J': Skip(data, ref pos, 4); break;                               // BININT
                case (byte)'K': Skip(data, ref pos, 1); break;                               // BININT1
                case (byte)'M': Skip(data, ref pos, 2); break;                               // BININT2
                case (byte)'G': Skip(data, ref pos, 8); break;                               // BINFLOAT
                case 0x8a: Skip(data, ref pos, Length(data, ref pos, 1)); break;              // LONG1
                case 0x8b: Skip(data, ref pos, Length(data, ref pos, 4)); break;              // LONG4
                case (byte)'B': Payload(data, ref pos, at, Length(data, ref pos, 4), lift); break; // BINBYTES
                case (byte)'C': Skip(data, ref pos, Length(data, ref pos, 1)); break;         // SHORT_BINBYTES
                case 0x8e: Payload(data, ref pos, at, Length(data, ref pos, 8), lift); break; // BINBYTES8
                case 0x96: Payload(data, ref pos, at, Length(data, ref pos, 8), lift); break; // BYTEARRAY8
                case (byte)'X': pushed = Unicode(data, ref pos, at, Length(data, ref pos, 4), lift); break;  // BINUNICODE
                case 0x8c: pushed = Text(data, ref pos, Length(data, ref pos, 1), utf8: true); break;        // SHORT_BINUNICODE
                case 0x8d: pushed = Unicode(data, ref pos, at, Length(data, ref pos, 8), lift); break;       // BINUNICODE8
                case (byte)'T': pushed = Text(data, ref pos, Length(data, ref pos, 4), utf8: false); break;  // BINSTRING
                case (byte)'U': pushed = Text(data, ref pos, Length(data, ref pos, 1), utf8: false); break;  // SHORT_BINSTRING
                case (byte)'I' or (byte)'L' or (byte)'F' or (byte)'S' or (byte)'V': Line(data, ref pos); break;
                case (byte)'h': pushed = Get(memo, Length(data, ref pos, 1)); break;        // BINGET
                case (byte)'j': pushed = Get(memo, Length(data, ref pos, 4)); break;        // LONG_BINGET
                case (byte)'g': pushed = Get(memo, ParseIndex(Line(data, ref pos))); break; // GET
                case (byte)'q': Put(memo, Length(data, ref pos, 1), known); keepsStack = true; break; // BINPUT
                case (byte)'r': Put(memo, Length(data, ref pos, 4), known); keepsStack = true; break; // LONG_BINPUT
                case (byte)'p': Put(memo, ParseIndex(Line(data, ref pos)), known); keepsStack = true; break; // PUT
                case 0x94: Put(memo, memo.Count, known); keepsStack = true; break;          // MEMOIZE
                case (byte)'c' or (byte)'i':                                                 // GLOBAL, INST
                    Require(Line(data, ref pos), Line(data, ref pos));
                    break;
                case 0x93:                                                                   // STACK_GLOBAL
                    if (known.Count < 2 || known[^1] is null || known[^2] is null)
                        throw new BadInputException($"unsupported pickle global (STACK_GLOBAL at offset {at} with computed names)");
                    Require(known[^2]!, known[^1]!);
                    break;
                case (byte)'P' or (byte)'Q':
                    throw new BadInputException($"unsupported pickle opcode: persistent id at offset {at}");
                case 0x82 or 0x83 or 0x84:
                    throw new BadInputException($"unsupported pickle opcode: extension code at offset {at}");
                case 0x97:
                    throw new BadInputException($"unsupported pickle opcode: out-of-band buffer at offset {at}");
                case (byte)']' when lift is not null && FloatListRun.TryMatch(data, pos, out var run): // EMPTY_LIST of floats
                    lift.LiftFloats(at, run);
                    known.Clear(); // the memo opcode (if any) now memoizes the lifted list: not a string
                    if (run.MemoAt < run.Start)
                        Put(memo, data[run.MemoAt] switch
                        {
                            0x94 => memo.Count,
                            (byte)'q' => data[run.MemoAt + 1],
                            _ => BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(run.MemoAt + 1, 4)),
                        }, known);
                    pos = run.End;
                    break;
                case (byte)'(' or (byte)'0' or (byte)'1' or (byte)'2' or (byte)'N' or 0x88 or 0x89 or (byte)'R'
                    or (byte)'b' or (byte)'a' or (byte)'e' or (byte)'l' or (byte)']' or (byte)'d' or (byte)'}'
                    or (byte)'s' or (byte)'u' or (byte)'t' or (byte)')' or 0x85 or 0x86 or 0x87 or (byte)'o'
                    or 0x81 or 0x92 or 0x8f or 0x90 or 0x91 or 0x98:
                    break; // no argument
                default:
                    throw new BadInputException($"not a valid pickle (unknown opcode 0x{op:x2} at offset {at})");
            }
            if (pushed is not null)
                known.Add(pushed);
            else if (!keepsStack)
                known.Clear(); // the top is now unknown; forgetting is always safe
            if (known.Count > 2)
                known.RemoveAt(0);
        }
    }

    private static void Require(string module, string name)
    {
        if (!PickleAllowList.IsAllowed(module, name))
            throw new BadInputException($"unsupported pickle global '{module}.{name}'");
    }

    private static string? Get(Dictionary<int, string?> memo, long index) =>
        memo.TryGetValue((int)index, out var s) ? s : null;

    private static void Put(Dictionary<int, string?> memo, long index, List<string?> known) =>
        memo[(int)index] = known.Count > 0 ? known[^1] : null;

    private static long Length(ReadOnlySpan<byte> data, ref int pos, int bytes)
    {
        Need(data, pos, bytes);
        var span = data.Slice(pos, bytes);
        pos += bytes;
        long value = bytes switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(span),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(span),
            _ => BinaryPrimitives.ReadInt64LittleEndian(span),
        };
        if (value < 0)
            throw new BadInputException($"not a valid pickle (negative length at offset {pos - bytes})");
        return value;
    }

    /// <summary>Skips a bytes payload; a large one is lifted (Razorvine will see a reference instead of a copy).</summary>
    private static void Payload(ReadOnlySpan<byte> data, ref int pos, int opcodeAt, long count, LiftedPickleWriter? lift)
    {
        int payloadAt = pos;
        Skip(data, ref pos, count);
        if (lift is not null && count >= LiftedPickleWriter.MinLiftBytes)
            lift.Lift(opcodeAt, payloadAt, (int)count, text: false);
    }

    /// <summary>Reads a UTF-8 str; a long one (a note) is lifted too, to be decoded by the record reader.</summary>
    private static string Unicode(ReadOnlySpan<byte> data, ref int pos, int opcodeAt, long count, LiftedPickleWriter? lift)
    {
        int payloadAt = pos;
        string text = Text(data, ref pos, count, utf8: true);
        if (lift is not null && count >= LiftedPickleWriter.MinLiftBytes)
            lift.Lift(opcodeAt, payloadAt, (int)count, text: true);
        return text;
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int pos, long count)
    {
        Need(data, pos, count);
        pos += (int)count;
    }

    private static string Text(ReadOnlySpan<byte> data, ref int pos, long count, bool utf8)
    {
        Need(data, pos, count);
        var span = data.Slice(pos, (int)count);
        pos += (int)count;
        if (count > MaxNameBytes)
            return "<long string>"; // never a valid module or name: keeps scanning cheap for note texts
        return utf8 ? Encoding.UTF8.GetString(span) : Encoding.Latin1.GetString(span);
    }

    private static string Line(ReadOnlySpan<byte> data, ref int pos)
    {
        int end = data[pos..].IndexOf((byte)'\n');
        if (end < 0)
            throw new BadInputException($"truncated pickle (unterminated line at offset {pos})");
        string text = Encoding.UTF8.GetString(data.Slice(pos, end));
        pos += end + 1;
        return text;
    }

    private static int ParseIndex(string text) =>
        int.TryParse(text, out int i) ? i : throw new BadInputException($"not a valid pickle (bad memo index '{text}')");

    private static void Need(ReadOnlySpan<byte> data, int pos, long count)
    {
        if (count > data.Length - pos)
            throw new BadInputException($"truncated pickle (needs {count} bytes at offset {pos}, file has {data.Length})");
    }
}
