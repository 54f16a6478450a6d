namespace LLM4EHR.Benchmarks;

/// <summary>What <see cref="TrainStepBenchmark"/> measured.</summary>
public sealed record TrainStepResult(TimingStats Step, long TokensPerStep, double FlopsPerStep, double MatmulGflops,
    TorchSharp.torch.ScalarType Dtype, CpuPeak Peak)
{
    public double TokensPerSecond => TokensPerStep / (Step.MedianMs / 1000.0);
    public double Gflops => FlopsPerStep / (Step.MedianMs / 1000.0) / 1e9;
    public double Mfu => Gflops / MatmulGflops;
    public double MfuPeak => Gflops / Peak.Gflops;

    public BenchSummary ToSummary() => new BenchSummary("train-step")
        .Add("tok_s", TokensPerSecond, 1)
        .Add("gflops", Gflops, 2)
        .Add("matmul_gflops", MatmulGflops, 2)
        .Add("mfu", Mfu, 3)
        .AddPeak(Dtype, Peak, MfuPeak)
        .Add("step_ms", Step.MedianMs, 1)
        .Add("min_ms", Step.MinMs, 1)
        .Add("max_ms", Step.MaxMs, 1);
}
