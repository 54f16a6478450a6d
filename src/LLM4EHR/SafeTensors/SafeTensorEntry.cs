using static TorchSharp.torch;

namespace LLM4EHR.SafeTensors;

/// <summary>A tensor to be written: name, dtype and shape are known up front (the header), its bytes come later.</summary>
public sealed record SafeTensorEntry(string Name, ScalarType Dtype, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    public long ByteLength => ElementCount * SafeTensorDtype.SizeOf(Dtype);
}
