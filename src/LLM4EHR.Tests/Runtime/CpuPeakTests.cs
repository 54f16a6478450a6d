using LLM4EHR.Benchmarks;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Runtime;

/// <summary>The honest-peak formula (Benchmarks/README.md): cores × FLOP/cycle from the flags × clock.</summary>
public class CpuPeakTests
{
    private static CpuInfo Cpu(string vendor, int family, params string[] flags) =>
        new(vendor, "test", 2, new HashSet<string>(flags)) { Family = family, Mhz = 2000 };

    [Theory]
    [InlineData("AuthenticAMD", 0x1A, new[] { "avx2", "fma", "avx512f", "avx512_bf16" }, 64, 128)] // Zen 5: 2 × 512-bit FMA
    [InlineData("AuthenticAMD", 0x19, new[] { "avx2", "fma", "avx512f", "avx512_bf16" }, 32, 64)]  // Zen 4: double-pumped
    [InlineData("AuthenticAMD", 0x17, new[] { "avx2", "fma" }, 32, 32)]                            // Zen 2: no bf16
    [InlineData("GenuineIntel", 6, new[] { "avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16" }, 64, 1024)]
    public void Flop_per_cycle_follows_the_flags(string vendor, int family, string[] flags, int f32, int bf16)
    {
        var cpu = Cpu(vendor, family, flags);
        Assert.Equal(f32, CpuPeak.For(cpu, ScalarType.Float32, 2, null, null).FlopsPerCycle);
        Assert.Equal(bf16, CpuPeak.For(cpu, ScalarType.BFloat16, 2, null, null).FlopsPerCycle);
    }

    [Fact]
    public void Clock_prefers_the_override_then_cpufreq_max_then_cpuinfo_and_cores_cap_at_the_cpus()
    {
        var cpu = Cpu("AuthenticAMD", 0x1A, "avx2", "fma", "avx512f");
        var fromMhz = CpuPeak.For(cpu, ScalarType.Float32, 8, null, null);
        Assert.Equal((2, 2.0, "cpuinfo_mhz"), (fromMhz.Cores, fromMhz.ClockGhz, fromMhz.ClockSource));
        Assert.Equal(2 * 64 * 2.0, fromMhz.Gflops, 6);
        var fromMax = CpuPeak.For(cpu, ScalarType.Float32, 2, maxKhz: 3_500_000, clockOverride: null);
        Assert.Equal((3.5, "cpufreq_max"), (fromMax.ClockGhz, fromMax.ClockSource));
        var fromOverride = CpuPeak.For(cpu, ScalarType.Float32, 2, maxKhz: 3_500_000, clockOverride: "4.1");
        Assert.Equal((4.1, CpuPeak.ClockVariable), (fromOverride.ClockGhz, fromOverride.ClockSource));
    }
}
