using System.Buffers.Binary;
using System.Collections;
using System.Text;
using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// Hand-assembled NumPy 2 pickles (no Python needed): protocol 5 <c>_frombuffer</c> with a big-endian
/// Fortran-order buffer, and <c>scalar</c>, both under <c>numpy._core</c>.
/// </summary>
public sealed class NumpyLayoutTests
{
    private readonly List<byte> _b = [];

    /// <summary>Appends opcodes and arguments: a char or int is one byte, a byte[] is copied as is.</summary>
    private NumpyLayoutTests Op(params object[] parts)
    {
        foreach (var part in parts)
            switch (part)
            {
                case byte[] raw: _b.AddRange(raw); break;
                case char c: _b.Add((byte)c); break;
                case int i: _b.Add((byte)i); break;
                default: throw new ArgumentException(part.ToString());
            }
        return this;
    }

    private NumpyLayoutTests Str(string s)
    {
        var utf8 = Encoding.UTF8.GetBytes(s);
        return Op(0x8c, utf8.Length, utf8);
    }

    private NumpyLayoutTests Global(string module, string name) => Str(module).Str(name).Op(0x93);

    // numpy.dtype(code, False, True) + BUILD (3, order, None, None, None, -1, -1, 0)
    private NumpyLayoutTests DType(string code, string order) =>
        Global("numpy", "dtype").Str(code).Op(0x89, 0x88, 0x87).Op('R')
            .Op('(').Op('K', 3).Str(order).Op('N', 'N', 'N').Op('J', 0xff, 0xff, 0xff, 0xff).Op('J', 0xff, 0xff, 0xff, 0xff)
            .Op('K', 0).Op('t').Op('b');

    [Fact]
    public void Protocol5_frombuffer_big_endian_fortran_and_scalar()
    {
        // The 2×3 matrix [[1,2,3],[4,5,6]] stored column-major as big-endian float64: 1,4,2,5,3,6.
        var data = new byte[48];
        double[] columnMajor = [1, 4, 2, 5, 3, 6];
        for (int i = 0; i < 6; i++)
            BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(i * 8), columnMajor[i]);
        var scalar = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(scalar, 1);

        Op(0x80, 5).Op(']').Op('(')
            .Global("numpy._core.numeric", "_frombuffer")
            .Op('(').Op(0x96).Op(BitConverter.GetBytes(48L)).Op(data) // BYTEARRAY8 (in-band PickleBuffer)
            .DType("f8", ">").Op('K', 2).Op('K', 3).Op(0x86).Str("F").Op('t').Op('R')
            .Global("numpy._core.multiarray", "scalar").DType("i8", "<").Op('C', 8).Op(scalar).Op(0x86).Op('R')
            .Op('e').Op('.');

        var list = Assert.IsType<ArrayList>(SafeUnpickler.Load(_b.ToArray()));
        var matrix = Assert.IsType<NumpyArray>(list[0]);
        Assert.Equal([2, 3], matrix.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], matrix.ToDoubles());
        var one = Assert.IsType<NumpyArray>(list[1]);
        Assert.Equal(0, one.Rank);
        Assert.Equal([1.0], one.ToDoubles());
    }
}
