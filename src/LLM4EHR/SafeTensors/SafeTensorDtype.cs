using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>safetensors dtype names ↔ torch scalar types and element sizes.</summary>
public static class SafeTensorDtype
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> ByName = new(StringComparer.Ordinal)
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        bool ok = ByName.TryGetValue(name, out var entry);
        (type, size) = entry;
        return ok;
    }

    /// <summary>Bytes per element of a dtype safetensors can store.</summary>
    public static int SizeOf(ScalarType type) => ByName[NameOf(type)].Size;

    public static string NameOf(ScalarType type) =>
        ByName.FirstOrDefault(kv => kv.Value.Type == type).Key
        ?? throw new ArgumentException($"dtype {type} has no safetensors name");
}
