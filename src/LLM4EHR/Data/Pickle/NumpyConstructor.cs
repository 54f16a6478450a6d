using Razorvine.Pickle;

namespace LLM4EHR.Data.Pickle;

/// <summary>
/// The Razorvine constructor behind each allow-listed NumPy global. A REDUCE on the global calls
/// <see cref="construct"/>; nothing outside <see cref="PickleAllowList"/> ever reaches Razorvine.
/// </summary>
internal sealed class NumpyConstructor(NumpyConstructor.Kind kind) : IObjectConstructor
{
    public enum Kind
    {
        /// <summary><c>numpy.ndarray</c>: only valid as the first argument of <c>_reconstruct</c>.</summary>
        NdarrayClass,
        /// <summary><c>_reconstruct(ndarray, shape, dtype_char)</c>: an empty array BUILD fills in.</summary>
        Reconstruct,
        /// <summary><c>numpy.dtype(code, align, copy)</c>.</summary>
        DType,
        /// <summary><c>scalar(dtype, bytes)</c>: a rank-0 array.</summary>
        Scalar,
        /// <summary><c>_frombuffer(buffer, dtype, shape, order)</c> (protocol 5).</summary>
        FromBuffer,
    }

    public object construct(object[] args) => kind switch
    {
        Kind.Reconstruct => Reconstruct(args),
        Kind.DType => NumpyDType.FromArgs(args),
        Kind.Scalar => Scalar(args),
        Kind.FromBuffer => FromBuffer(args),
        _ => throw new BadInputException("numpy.ndarray may only appear as the class argument of _reconstruct"),
    };

    private static NumpyArray Reconstruct(object[] args)
    {
        if (args.Length != 3 || args[0] is not NumpyConstructor { IsNdarrayClass: true })
            throw new BadInputException("numpy _reconstruct must rebuild a numpy.ndarray");
        return new NumpyArray(NumpyDType.Parse("b1"), [0]);
    }

    private static NumpyArray Scalar(object[] args)
    {
        if (args.Length != 2)
            throw new BadInputException("numpy scalar expects (dtype, bytes)");
        var dtype = NumpyDType.Expect(args[0]);
        var array = new NumpyArray(dtype, []);
        array.SetData([], dtype, false, args[1]);
        return array;
    }

    private static NumpyArray FromBuffer(object[] args)
    {
        if (args.Length != 4 || args[3] is not string order || order is not ("C" or "F" or "A" or "K"))
            throw new BadInputException("numpy _frombuffer expects (buffer, dtype, shape, order)");
        var dtype = NumpyDType.Expect(args[1]);
        var shape = NumpyDType.ParseShape(args[2]);
        var array = new NumpyArray(dtype, shape);
        array.SetData(shape, dtype, order == "F", args[0]);
        return array;
    }

    private bool IsNdarrayClass => kind == Kind.NdarrayClass;
}
