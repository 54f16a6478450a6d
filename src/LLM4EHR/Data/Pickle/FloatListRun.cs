using System.Buffers.Binary;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A list of floats exactly as CPython pickles one: EMPTY_LIST, an optional memo opcode, then batches of
/// <c>MARK BINFLOAT… APPENDS</c> (or <c>BINFLOAT APPEND</c>). Such runs (ts_tt, text_time) are lifted whole and
/// come back as one <c>double[]</c> instead of an ArrayList of boxed doubles.
/// </summary>
/// <param name="MemoAt">Offset of the memo opcode after EMPTY_LIST (== <paramref name="Start"/> when none).</param>
/// <param name="Start">Offset of the first batch.</param>
/// <param name="End">Offset just after the last batch.</param>
internal readonly record struct FloatListRun(int MemoAt, int Start, int End, int Count)
{
    /// <summary>Shorter lists are left to Razorvine.</summary>
    public const int MinCount = 16;

    /// <summary>Matches a run right after the EMPTY_LIST opcode (at <paramref name="pos"/>). To be sure nothing
    /// else is appended to the list later (it would no longer be a list), the run must be followed by an opcode
    /// that cannot start another append: a str (the next dict key), SETITEMS/SETITEM, APPENDS/APPEND (the outer
    /// list), a tuple or STOP.</summary>
    public static bool TryMatch(ReadOnlySpan<byte> data, int pos, out FloatListRun run)
    {
        run = default;
        int memoAt = pos;
        if (pos < data.Length)
            pos += data[pos] switch { 0x94 => 1, (byte)'q' => 2, (byte)'r' => 5, _ => 0 };
        int start = pos, count = 0;
        while (pos < data.Length)
        {
            if (data[pos] == (byte)'(')
            {
                int q = pos + 1, k = 0;
                while (q + 9 <= data.Length && data[q] == (byte)'G') { q += 9; k++; }
                if (k == 0 || q >= data.Length || data[q] != (byte)'e')
                    break;
                count += k;
                pos = q + 1;
            }
            else if (data[pos] == (byte)'G' && pos + 9 < data.Length && data[pos + 9] == (byte)'a')
            {
                count++;
                pos += 10;
            }
            else
                break;
        }
        if (count < MinCount || pos >= data.Length
            || data[pos] is not (0x8c or (byte)'X' or (byte)'u' or (byte)'s' or (byte)'e' or (byte)'a'
                or (byte)'t' or 0x85 or 0x86 or 0x87 or (byte)'.'))
            return false;
        run = new FloatListRun(memoAt, start, pos, count);
        return true;
    }

    /// <summary>Decodes a run's batches (validated again: the offsets come from our own rewritten stream).</summary>
    public static double[] Decode(ReadOnlySpan<byte> batches)
    {
        var values = new double[batches.Length / 9]; // every value takes 9 bytes; MARK/APPENDS take a few more
        int pos = 0, count = 0;
        while (pos < batches.Length)
        {
            byte op = batches[pos++];
            if (op == (byte)'G' && pos + 8 <= batches.Length && count < values.Length)
            {
                values[count++] = BinaryPrimitives.ReadDoubleBigEndian(batches.Slice(pos, 8));
                pos += 8;
            }
            else if (op is not ((byte)'(' or (byte)'e' or (byte)'a'))
                throw new BadInputException("malformed lifted float list");
        }
        return count == values.Length ? values : values[..count];
    }
}
