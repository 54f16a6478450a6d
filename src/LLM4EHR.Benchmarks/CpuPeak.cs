using System.Globalization;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// The CPU's theoretical matmul peak, from its flags rather than from a measured yardstick (which can itself be slow,
/// e.g. MKL's generic path on AMD): cores × FLOP per cycle per core × clock (Benchmarks/README.md, "Honest peak").
/// FLOP per cycle per core = vector lanes × FMA units × 2 for f32; for bf16 the dot-product instruction's rate.
/// </summary>
public sealed record CpuPeak(int Cores, int FlopsPerCycle, double ClockGhz, string ClockSource, string Derivation)
{
    public const string ClockVariable = "LLM4EHR_PEAK_GHZ";

    public double Gflops => Cores * FlopsPerCycle * ClockGhz;

    /// <summary>The peak for <paramref name="threads"/> threads at <paramref name="dtype"/> on this machine.</summary>
    public static CpuPeak For(ScalarType dtype, int threads) =>
        For(CpuInfo.Current, dtype, threads, ReadMaxKhz(), System.Environment.GetEnvironmentVariable(ClockVariable));

    public static CpuPeak For(CpuInfo cpu, ScalarType dtype, int threads, double? maxKhz, string? clockOverride)
    {
        int cores = Math.Max(1, Math.Min(threads, cpu.LogicalCores)); // one thread per core; SMT siblings share FMA units
        var (f32, how) = F32FlopsPerCycle(cpu);
        int flops = f32;
        if (dtype == ScalarType.BFloat16)
            (flops, how) = cpu.Flags.Contains("amx_bf16") ? (1024, "amx_bf16: 1024 bf16 FLOP/cycle (Intel AMX TMUL)")
                : cpu.Flags.Contains("avx512_bf16") ? (2 * f32, $"avx512_bf16: vdpbf16ps = 2 bf16 products per f32 lane per FMA, 2 × ({how})")
                : (f32, $"no native bf16: at best the f32 rate ({how})");
        var (ghz, source) = Clock(cpu, maxKhz, clockOverride);
        return new CpuPeak(cores, flops, ghz, source, how);
    }

    /// <summary>
    /// f32 FLOP per cycle per core. AVX-512 on Zen 4 (family 0x19) runs double-pumped on two 256-bit FMA pipes, so a
    /// 512-bit FMA issues once per cycle: 16 lanes × 1 × 2. Zen 5 (0x1A) has two full 512-bit FMA pipes, as do
    /// Xeon Gold/Platinum (an upper bound for one-port Xeon parts): 16 × 2 × 2. AVX2 with FMA (Haswell+, Zen 1–3):
    /// 8 lanes × 2 FMA units × 2. Without FMA: 8 (AVX) or 4 (SSE) lanes × one multiply + one add.
    /// </summary>
    private static (int, string) F32FlopsPerCycle(CpuInfo cpu)
    {
        bool amd = cpu.Vendor == "AuthenticAMD";
        if (cpu.Flags.Contains("avx512f"))
            return amd && cpu.Family < 0x1A
                ? (32, "avx512f on Zen 4: 16 lanes × 1 FMA (2×256-bit, double-pumped) × 2")
                : (64, "avx512f: 16 lanes × 2 FMA units × 2");
        if (cpu.Flags.Contains("avx2") && cpu.Flags.Contains("fma"))
            return (32, "avx2+fma: 8 lanes × 2 FMA units × 2");
        return cpu.Flags.Contains("avx") ? (16, "avx: 8 lanes × (mul + add)") : (8, "sse: 4 lanes × (mul + add)");
    }

    private static (double, string) Clock(CpuInfo cpu, double? maxKhz, string? clockOverride)
    {
        if (double.TryParse(clockOverride, NumberStyles.Float, CultureInfo.InvariantCulture, out double ghz) && ghz > 0)
            return (ghz, ClockVariable);
        if (maxKhz is > 0)
            return (maxKhz.Value / 1e6, "cpufreq_max");
        return cpu.Mhz > 0 ? (cpu.Mhz / 1000, "cpuinfo_mhz") : (double.NaN, "unknown");
    }

    private static double? ReadMaxKhz()
    {
        const string path = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
        return File.Exists(path) && double.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out double khz) ? khz : null;
    }
}
