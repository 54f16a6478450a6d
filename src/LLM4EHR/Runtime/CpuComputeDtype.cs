using static TorchSharp.torch;

namespace LLM4EHR.Runtime;

/// <summary>
/// What <c>model.dtype: auto</c> computes in on CPU, decided per machine from its flags, never from one benchmark:
/// with native bf16 dot products (AVX512_BF16 or AMX-BF16) a bf16 matmul runs ~4–6× an f32 one (2-core EPYC Zen 4:
/// 714 vs 120–180 GFLOP/s at 2048³), while on AVX2-only CPUs libtorch emulates bf16 and runs ~150× slower than f32.
/// <c>LLM4EHR_CPU_BF16=0|1</c> overrides the flags (tests, or a user who wants f32 numbers on a bf16 machine).
/// Even with native bf16, a small model computes in f32 (<see cref="MinBf16HiddenSize"/>).
/// </summary>
public static class CpuComputeDtype
{
    public const string Variable = "LLM4EHR_CPU_BF16";

    /// <summary>
    /// Below this hidden size <c>auto</c> keeps f32 on a bf16 CPU: the matmuls bf16 speeds up are then too small a
    /// share of a step to pay for the casts around the f32 parts (adapters, norms, the attention core). Measured on a
    /// 2-core EPYC with avx512_bf16, bf16 ÷ f32 tok/s in alternation: 1.03 at hidden 256 (the bench model), 1.17 at
    /// 512, 1.45 at 1024; the IHM demo (hidden 64) ran 42 s in bf16 against 35 s in f32.
    /// </summary>
    public const int MinBf16HiddenSize = 512;

    /// <summary>
    /// The dtype for <c>auto</c> on this CPU and the reason, e.g. "auto: CPU has avx512_bf16", for a model of
    /// <paramref name="hiddenSize"/> (null: not known, the CPU alone decides).
    /// </summary>
    public static (ScalarType Dtype, string Reason) Choose(int? hiddenSize = null) =>
        Choose(CpuInfo.Current, System.Environment.GetEnvironmentVariable(Variable), hiddenSize);

    public static (ScalarType Dtype, string Reason) Choose(CpuInfo cpu, string? overrideValue, int? hiddenSize = null)
    {
        switch (overrideValue?.Trim())
        {
            case "1": return (ScalarType.BFloat16, $"auto: {Variable}=1");
            case "0": return (ScalarType.Float32, $"auto: {Variable}=0");
            case null or "": break;
            default: throw new BadInputException($"{Variable}: expected 0 or 1, got '{overrideValue}'");
        }
        string[] native = ["amx_bf16", "avx512_bf16"];
        string? flag = native.FirstOrDefault(cpu.Flags.Contains);
        if (flag is null)
            return (ScalarType.Float32, "auto: CPU lacks avx512_bf16/amx_bf16 (bf16 would be emulated)");
        return hiddenSize < MinBf16HiddenSize
            ? (ScalarType.Float32, $"auto: CPU has {flag}, but hidden size {hiddenSize} < {MinBf16HiddenSize} gains nothing from bf16")
            : (ScalarType.BFloat16, $"auto: CPU has {flag}");
    }
}
