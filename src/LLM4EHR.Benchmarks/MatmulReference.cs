using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// This process's 2048×2048×2048 matmul rate (f32 unless asked for another dtype): the yardstick every benchmark prints a ratio against,
/// because absolute times drift on shared machines.
/// </summary>
public static class MatmulReference
{
    public static double MeasureGflops(int n = 2048, int runs = 5, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var a = randn(n, n, dtype: dtype);
        var b = randn(n, n, dtype: dtype);
        var t = BenchTimer.Measure(() => { using var c = a.matmul(b); }, warmups: 1, runs: runs);
        return 2.0 * n * n * n / (t.MedianMs / 1000.0) / 1e9;
    }
}
