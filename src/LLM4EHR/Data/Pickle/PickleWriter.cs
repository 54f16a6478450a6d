using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// Emits pickle protocol 4 opcodes, the subset CPython's own pickler uses for lists, dicts, str, int, float,
/// bytes and NumPy arrays. No framing (optional in protocol 4). NumPy arrays use NumPy 2 module names,
/// as the real MIMIC-III p2x files do.
/// </summary>
internal sealed class PickleWriter(Stream output)
{
    private readonly BinaryWriter _w = new(output, Encoding.UTF8, leaveOpen: true);
    private readonly Dictionary<string, int> _memoized = new(StringComparer.Ordinal);
    private int _memoCount;

    public void Protocol() { _w.Write((byte)0x80); _w.Write((byte)4); }
    public void Stop() { _w.Write((byte)'.'); _w.Flush(); }
    public void Mark() => _w.Write((byte)'(');
    public void EmptyList() => _w.Write((byte)']');
    public void EmptyDict() => _w.Write((byte)'}');
    public void Appends() => _w.Write((byte)'e');
    public void SetItems() => _w.Write((byte)'u');
    public void None() => _w.Write((byte)'N');
    public void Bool(bool value) => _w.Write((byte)(value ? 0x88 : 0x89));

    public void Int(long value)
    {
        if (value is >= 0 and <= byte.MaxValue) { _w.Write((byte)'K'); _w.Write((byte)value); }
        else if (value is >= 0 and <= ushort.MaxValue) { _w.Write((byte)'M'); _w.Write((ushort)value); }
        else if (value is >= int.MinValue and <= int.MaxValue) { _w.Write((byte)'J'); _w.Write((int)value); }
        else { _w.Write((byte)0x8a); _w.Write((byte)8); _w.Write(value); } // LONG1, 8-byte two's complement
    }

    public void Float(double value)
    {
        Span<byte> be = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(be, value);
        _w.Write((byte)'G');
        _w.Write(be);
    }

    public void Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < 256) { _w.Write((byte)0x8c); _w.Write((byte)bytes.Length); }
        else { _w.Write((byte)'X'); _w.Write(bytes.Length); }
        _w.Write(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        if (value.Length < 256) { _w.Write((byte)'C'); _w.Write((byte)value.Length); }
        else { _w.Write((byte)'B'); _w.Write(value.Length); }
        _w.Write(value);
    }

    /// <summary>Pushes a float list: EMPTY_LIST, then APPENDS in batches of 1000 as CPython does.</summary>
    public void FloatList(ReadOnlySpan<double> values)
    {
        EmptyList();
        for (int start = 0; start < values.Length; start += 1000)
        {
            Mark();
            foreach (var v in values.Slice(start, Math.Min(1000, values.Length - start)))
                Float(v);
            Appends();
        }
    }

    /// <summary>A NumPy C-order array: <c>_reconstruct(ndarray, (0,), b'b')</c> + BUILD (1, shape, dtype, False, raw).</summary>
    public void NumpyArray(int[] shape, string dtypeCode, ReadOnlySpan<byte> raw)
    {
        Global("numpy._core.multiarray", "_reconstruct");
        Global("numpy", "ndarray");
        Int(0);
        _w.Write((byte)0x85); // TUPLE1
        Bytes("b"u8);
        _w.Write((byte)0x87); // TUPLE3
        _w.Write((byte)'R');  // REDUCE
        Mark();
        Int(1);
        Mark();
        foreach (int d in shape) Int(d);
        _w.Write((byte)'t');  // TUPLE (shape)
        DType(dtypeCode);
        Bool(false);          // not Fortran order
        Bytes(raw);
        _w.Write((byte)'t');  // TUPLE (state)
        _w.Write((byte)'b');  // BUILD
    }

    public void DoubleArray(int[] shape, ReadOnlySpan<double> values) =>
        NumpyArray(shape, "f8", MemoryMarshal.AsBytes(values));

    public void Int64Array(int[] shape, ReadOnlySpan<long> values) =>
        NumpyArray(shape, "i8", MemoryMarshal.AsBytes(values));

    /// <summary><c>numpy.dtype(code, False, True)</c> + BUILD state; memoized so each dtype is written once.</summary>
    private void DType(string code)
    {
        if (GetMemo("dtype:" + code))
            return;
        Global("numpy", "dtype");
        Str(code);
        Bool(false);
        Bool(true);
        _w.Write((byte)0x87); // TUPLE3
        _w.Write((byte)'R');
        Mark();
        Int(3);
        Str(BitConverter.IsLittleEndian ? "<" : ">"); // raw bytes are written in this machine's order
        None(); None(); None();
        _w.Write((byte)'J'); _w.Write(-1);
        _w.Write((byte)'J'); _w.Write(-1);
        Int(0);
        _w.Write((byte)'t');
        _w.Write((byte)'b');
        Memoize("dtype:" + code);
    }

    /// <summary>STACK_GLOBAL module.name, memoized after its first use.</summary>
    private void Global(string module, string name)
    {
        string key = module + "." + name;
        if (GetMemo(key))
            return;
        Str(module);
        Str(name);
        _w.Write((byte)0x93); // STACK_GLOBAL
        Memoize(key);
    }

    private bool GetMemo(string key)
    {
        if (!_memoized.TryGetValue(key, out int index))
            return false;
        if (index < 256) { _w.Write((byte)'h'); _w.Write((byte)index); }
        else { _w.Write((byte)'j'); _w.Write(index); }
        return true;
    }

    private void Memoize(string key)
    {
        _w.Write((byte)0x94); // MEMOIZE: slot = number of memo entries so far
        _memoized[key] = _memoCount++;
    }
}
