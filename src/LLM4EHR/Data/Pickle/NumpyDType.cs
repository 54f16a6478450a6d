namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A NumPy dtype as pickled by <c>numpy.dtype(code, align, copy)</c> followed by BUILD with its state tuple.
/// Only plain numeric and bool dtypes are accepted: object, string, void and structured dtypes are rejected
/// because a p2x record never needs them and object arrays would smuggle arbitrary Python objects.
/// </summary>
internal sealed class NumpyDType
{
    private NumpyDType(char kind, int itemSize, char byteOrder, string? defect = null)
    {
        Kind = kind;
        ItemSize = itemSize;
        ByteOrder = byteOrder;
        Defect = defect;
    }

    /// <summary>Why arrays of this dtype are refused (object, string, structured), or null. Reported later by the
    /// record reader, which knows the record and field; nothing of such an array is ever decoded.</summary>
    public string? Defect { get; private set; }

    /// <summary>'f' float, 'i' signed int, 'u' unsigned int, 'b' bool.</summary>
    public char Kind { get; }
    public int ItemSize { get; }
    /// <summary>'&lt;' little, '&gt;' big, '|' not applicable, '=' native.</summary>
    public char ByteOrder { get; private set; }

    /// <summary>True when the element bytes must be reversed to read them on this machine.</summary>
    public bool NeedsSwap => ItemSize > 1 && (BitConverter.IsLittleEndian ? ByteOrder == '>' : ByteOrder == '<');

    public string Code => $"{ByteOrder}{Kind}{ItemSize}";

    /// <summary>Parses the dtype code NumPy pickles (e.g. "f8", "i8", "b1", "?", "f2").</summary>
    public static NumpyDType Parse(string code)
    {
        char order = '=';
        string body = code;
        if (body.Length > 0 && body[0] is '<' or '>' or '|' or '=')
        {
            order = body[0];
            body = body[1..];
        }
        (char kind, int size) = body switch
        {
            "?" or "b1" => ('b', 1),
            "f2" or "e" => ('f', 2),
            "f4" or "f" => ('f', 4),
            "f8" or "d" => ('f', 8),
            "i1" or "b" => ('i', 1),
            "i2" or "h" => ('i', 2),
            "i4" or "i" => ('i', 4),
            "i8" or "q" or "l" => ('i', 8),
            "u1" or "B" => ('u', 1),
            "u2" or "H" => ('u', 2),
            "u4" or "I" => ('u', 4),
            "u8" or "Q" or "L" => ('u', 8),
            _ when body.StartsWith('O') => ('O', 0),
            _ => ('?', 0),
        };
        if (kind == 'O')
            return new NumpyDType(kind, 8, '|', "object arrays are not supported (dtype 'O')");
        if (kind == '?')
            return new NumpyDType(kind, 1, '|', $"unsupported NumPy dtype '{code}'");
        return new NumpyDType(kind, size, size == 1 ? '|' : order);
    }

    /// <summary>BUILD: state (version, byteorder, subdescr, names, fields, elsize, alignment, flags).</summary>
    public void __setstate__(object[] state)
    {
        if (state.Length < 2 || state[1] is not string order || order.Length != 1)
            throw new BadInputException("malformed NumPy dtype state");
        if (state.Length >= 5 && (state[3] is not null || state[4] is not null))
            Defect ??= "structured NumPy dtypes are not supported";
        if (state.Length >= 3 && state[2] is not null)
            Defect ??= "sub-array NumPy dtypes are not supported";
        if (ItemSize > 1 && Defect is null)
            ByteOrder = order[0] is '<' or '>' or '=' ? order[0] : throw new BadInputException($"bad NumPy byte order '{order}'");
    }

    /// <summary>Arguments of <c>numpy.dtype(code, align, copy)</c>.</summary>
    public static NumpyDType FromArgs(object[] args)
    {
        if (args.Length < 1 || args[0] is not string code)
            throw new BadInputException("numpy.dtype called without a type code");
        return Parse(code);
    }

    /// <summary>Guards against a dtype slot holding anything else (e.g. a list pretending to be a dtype).</summary>
    public static NumpyDType Expect(object? value) => value as NumpyDType
        ?? throw new BadInputException($"expected a NumPy dtype, got {PickleTypeName.Of(value)}");

    internal static bool IsTrue(object? value) => value switch
    {
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        _ => false,
    };

    internal static int[] ParseShape(object? value)
    {
        if (value is not object[] dims)
            throw new BadInputException($"NumPy shape must be a tuple, got {PickleTypeName.Of(value)}");
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = dims[i] switch
            {
                int v => v,
                long v => v,
                _ => -1,
            };
            if (d < 0 || d > int.MaxValue)
                throw new BadInputException($"bad NumPy shape dimension {dims[i]}");
            shape[i] = (int)d;
        }
        return shape;
    }
}
