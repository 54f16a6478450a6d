using System.Runtime.InteropServices;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// A NumPy array rebuilt from a pickle: <c>_reconstruct(ndarray, (0,), b'b')</c> then BUILD with
/// (version, shape, dtype, is_fortran, rawdata), or <c>_frombuffer(buf, dtype, shape, order)</c> (protocol 5),
/// or <c>scalar(dtype, bytes)</c> (rank 0). Holds the raw bytes; <see cref="ToDoubles"/> widens to C order.
/// </summary>
internal sealed class NumpyArray
{
    private ReadOnlyMemory<byte> _raw;

    public NumpyArray(NumpyDType dtype, int[] shape) { DType = dtype; Shape = shape; }

    public NumpyDType DType { get; private set; }
    public int[] Shape { get; private set; }
    public bool FortranOrder { get; private set; }
    public int Rank => Shape.Length;

    public long Count
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>Why this array cannot be used (object dtype, data/shape mismatch), or null. Kept instead of thrown
    /// so the error can name the record and field; the claimed size is never allocated.</summary>
    public string? Defect { get; private set; }

    /// <summary>Sets shape, dtype, order and data after checking that the data really has that many elements,
    /// so a forged header never makes us allocate the size it claims.</summary>
    public void SetData(int[] shape, NumpyDType dtype, bool fortran, object? data)
    {
        Shape = shape;
        DType = dtype;
        if (dtype.Defect is not null)
        {
            Defect = dtype.Defect;
            return;
        }
        ReadOnlyMemory<byte> raw;
        if (data is byte[] bytes)
            raw = bytes;
        else if (data is PickleBytes lifted)
            raw = lifted.Memory;
        else
        {
            Defect = data is System.Collections.ArrayList
                ? "object arrays are not supported (array data is a list)"
                : $"NumPy array data must be bytes, got {PickleTypeName.Of(data)}";
            return;
        }
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > raw.Length)
                break; // already more elements than bytes: mismatch, and no overflow below
        }
        // Divide before multiplying: count can reach ~2^61, and count * ItemSize could wrap around to exactly the
        // payload length, accepting a forged shape that only fails (as an overflow) once converted.
        if (count > raw.Length / dtype.ItemSize || count * dtype.ItemSize != raw.Length)
        {
            Defect = $"NumPy array claims shape [{string.Join(",", shape)}] of {dtype.Code} but holds {raw.Length} bytes";
            return;
        }
        FortranOrder = fortran && shape.Length > 1;
        _raw = raw;
    }

    /// <summary>BUILD state: (version, shape, dtype, is_fortran, rawdata) or the 4-tuple without version.</summary>
    public void __setstate__(object[] state)
    {
        int o = state.Length switch
        {
            5 => 1,
            4 => 0,
            _ => throw new BadInputException($"malformed NumPy array state ({state.Length} items)"),
        };
        SetData(NumpyDType.ParseShape(state[o]), NumpyDType.Expect(state[o + 1]), NumpyDType.IsTrue(state[o + 2]), state[o + 3]);
    }

    /// <summary>All elements widened to double, in C (row-major) order, byte order fixed.</summary>
    public double[] ToDoubles()
    {
        if (Defect is not null)
            throw new BadInputException(Defect);
        int n = checked((int)Count);
        var values = Allocate(n);
        var raw = _raw.Span;
        // Fast paths for the dtypes real files use (little-endian f8 values, i8 masks): no per-element dispatch.
        if (!DType.NeedsSwap && DType.Kind == 'f' && DType.ItemSize == 8)
            MemoryMarshal.Cast<byte, double>(raw).CopyTo(values);
        else if (!DType.NeedsSwap && DType.Kind == 'i' && DType.ItemSize == 8)
        {
            var longs = MemoryMarshal.Cast<byte, long>(raw);
            for (int i = 0; i < longs.Length; i++)
                values[i] = longs[i];
        }
        else
            Widen(raw, values);
        return FortranOrder ? ToCOrder(values) : values;
    }

    /// <summary>Every element is written right after, so skip zeroing. Not pinned: the pinned heap takes a lock per
    /// allocation and its budget triggers full collections (measured slower).</summary>
    private static double[] Allocate(int n) => GC.AllocateUninitializedArray<double>(n);

    private void Widen(ReadOnlySpan<byte> raw, double[] values)
    {
        int size = DType.ItemSize;
        bool swap = DType.NeedsSwap;
        var tmp = new byte[8]; // scratch for byte-swapped elements
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> e = raw.Slice(i * size, size);
            if (swap)
            {
                e.CopyTo(tmp);
                Array.Reverse(tmp, 0, size);
                e = tmp.AsSpan(0, size);
            }
            values[i] = (DType.Kind, size) switch
            {
                ('f', 8) => BitConverter.ToDouble(e),
                ('f', 4) => BitConverter.ToSingle(e),
                ('f', 2) => (double)BitConverter.ToHalf(e),
                ('i', 1) => (sbyte)e[0],
                ('i', 2) => BitConverter.ToInt16(e),
                ('i', 4) => BitConverter.ToInt32(e),
                ('i', 8) => BitConverter.ToInt64(e),
                ('u', 1) => e[0],
                ('u', 2) => BitConverter.ToUInt16(e),
                ('u', 4) => BitConverter.ToUInt32(e),
                ('u', 8) => BitConverter.ToUInt64(e),
                ('b', 1) => e[0] != 0 ? 1 : 0,
                _ => throw new BadInputException($"unsupported NumPy dtype '{DType.Code}'"),
            };
        }
    }

    /// <summary>Fortran (column-major) element order to C order for any rank.</summary>
    private double[] ToCOrder(double[] fortran)
    {
        var c = Allocate(fortran.Length);
        int rank = Shape.Length;
        var fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) { fStride[d] = s; s *= Shape[d]; }
        var index = new int[rank];
        for (int i = 0; i < c.Length; i++)
        {
            long src = 0;
            for (int d = 0; d < rank; d++) src += index[d] * fStride[d];
            c[i] = fortran[src];
            for (int d = rank - 1; d >= 0; d--) // advance the C-order index, last axis fastest
            {
                if (++index[d] < Shape[d]) break;
                index[d] = 0;
            }
        }
        return c;
    }
}
