using System.Buffers.Binary;
using System.Collections;
using LLM4EHR.Data.Pickle;

namespace LLM4EHR.Tests.Data;

/// <summary>
/// Float lists are lifted out of the stream Razorvine parses (no boxed doubles); lists CPython could extend with
/// anything else, and memo references to a lifted list, must still come out right.
/// </summary>
public sealed class FloatListLiftTests
{
    private static readonly double[] Values = Enumerable.Range(0, 20).Select(i => i * 0.25 - 1).ToArray();

    private static IEnumerable<byte> Float(double v)
    {
        var be = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(be, v);
        return [(byte)'G', .. be];
    }

    private static IEnumerable<double> Numbers(object? list) => list switch
    {
        double[] d => d,
        ArrayList a => a.Cast<object>().Select(Convert.ToDouble),
        _ => throw new Xunit.Sdk.XunitException($"not a list: {list?.GetType().Name}"),
    };

    [Fact]
    public void Memoized_batched_unbatched_and_mixed_float_lists_load_unchanged()
    {
        var floats = Values.SelectMany(Float).ToArray();
        byte[] Key(char k) => [0x8c, 1, (byte)k];
        byte[] data =
        [
            0x80, 4, (byte)'}', (byte)'(',
            .. Key('a'), (byte)']', 0x94, (byte)'(', .. floats, (byte)'e',                  // memoized (slot 0), one batch
            .. Key('b'), (byte)']', (byte)'(', .. floats, (byte)'e', (byte)'K', 5, (byte)'a', // floats, then an int
            .. Key('c'), (byte)']', .. Values.SelectMany(v => Float(v).Append((byte)'a')), // one APPEND per value
            .. Key('d'), (byte)'h', 0,                                                      // the memoized list again
            (byte)'u', (byte)'.',
        ];
        var dict = Assert.IsType<Hashtable>(SafeUnpickler.Load(data));
        Assert.IsType<double[]>(dict["a"]); // lifted
        Assert.IsType<ArrayList>(dict["b"]); // not lifted: something else is appended after the floats
        Assert.IsType<double[]>(dict["c"]);
        Assert.Equal(Values, Numbers(dict["a"]));
        Assert.Equal([.. Values, 5.0], Numbers(dict["b"]));
        Assert.Equal(Values, Numbers(dict["c"]));
        Assert.Same(dict["a"], dict["d"]);
    }
}
