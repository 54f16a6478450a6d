using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>One entry of a safetensors header: dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorInfo(string Name, string DtypeName, ScalarType Dtype, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => End - Begin;
}
