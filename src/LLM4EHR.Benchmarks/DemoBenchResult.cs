namespace LLM4EHR.Benchmarks;

/// <summary>
/// What <see cref="DemoBenchmark"/> measured. <see cref="TokensPerSecond"/>: the median over optimizer steps of real
/// training tokens per second. <see cref="WallSeconds"/>: the whole run (demo assets when missing, tokenization,
/// model load, training with validation, test evaluation). <see cref="Ratio"/>: tokens per second per GFLOP/s of
/// this process's matmul at the run's dtype, so machines and loads compare. <see cref="Mfu"/> and <see cref="MfuPeak"/>
/// use <see cref="FlopsPerToken"/> (the train-step FLOP convention at the config's max_tokens).
/// </summary>
public sealed record DemoBenchResult(double TokensPerSecond, int Steps, double WallSeconds, double TestAuroc, double MatmulGflops,
    bool AssetsCreated)
{
    public double Ratio => TokensPerSecond / MatmulGflops;
    public TorchSharp.torch.ScalarType Dtype { get; init; } = TorchSharp.torch.ScalarType.Float32;
    public double FlopsPerToken { get; init; }
    public CpuPeak? Peak { get; init; }
    public double Gflops => TokensPerSecond * FlopsPerToken / 1e9;
    public double Mfu => Gflops / MatmulGflops;
    public double MfuPeak => Peak is null ? double.NaN : Gflops / Peak.Gflops;

    public BenchSummary ToSummary() => new BenchSummary("demo")
        .Add("tok_s", TokensPerSecond, 1)
        .Add("wall_s", WallSeconds, 1)
        .Add("test_auroc", TestAuroc, 4)
        .Add("matmul_gflops", MatmulGflops, 2)
        .Add("ratio", Ratio, 2)
        .Add("gflops", Gflops, 2)
        .Add("mfu", Mfu, 3)
        .AddPeak(Dtype, Peak ?? CpuPeak.For(Dtype, 1), MfuPeak)
        .Add("steps", Steps)
        .Add("assets", AssetsCreated ? "created" : "reused");
}
