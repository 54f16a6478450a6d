using System.Collections;
using System.Numerics;

namespace LLM4EHR.Data.Pickle;

/// <summary>Python-style names of unpickled values, so error messages speak the file's language.</summary>
internal static class PickleTypeName
{
    public static string Of(object? value) => value switch
    {
        null => "None",
        string or PickleText => "str",
        bool => "bool",
        int or long or BigInteger => "int",
        double => "float",
        byte[] or PickleBytes => "bytes",
        object[] => "tuple",
        ArrayList or double[] => "list",
        Hashtable => "dict",
        NumpyArray a => $"ndarray[{a.DType.Code}]",
        NumpyDType => "dtype",
        _ => value.GetType().Name,
    };
}
