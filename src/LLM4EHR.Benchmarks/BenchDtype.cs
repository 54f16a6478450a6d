using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>The <c>--dtype f32|bf16</c> option of the benches.</summary>
public static class BenchDtype
{
    public static ScalarType Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "f32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new BadInputException($"--dtype: expected f32 or bf16, got '{value}'"),
    };
}
