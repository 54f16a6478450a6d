using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>The dtype and honest-peak keys that <c>train-step</c> and <c>demo</c> both print (Benchmarks/README.md).</summary>
public static class BenchSummaryPeak
{
    public static string DtypeName(ScalarType dtype) => dtype == ScalarType.BFloat16 ? "bf16" : dtype == ScalarType.Float32 ? "f32" : dtype.ToString();

    /// <summary>dtype, peak_gflops, mfu_peak, and how the peak was derived: cores, flop_per_cycle, clock_ghz, clock_source.</summary>
    public static BenchSummary AddPeak(this BenchSummary summary, ScalarType dtype, CpuPeak peak, double mfuPeak) => summary
        .Add("dtype", DtypeName(dtype))
        .Add("peak_gflops", peak.Gflops, 1)
        .Add("mfu_peak", mfuPeak, 3)
        .Add("peak_cores", peak.Cores)
        .Add("flop_per_cycle", peak.FlopsPerCycle)
        .Add("clock_ghz", peak.ClockGhz, 3)
        .Add("clock_source", peak.ClockSource);
}
