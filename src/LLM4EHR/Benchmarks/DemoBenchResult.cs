namespace LLM4EHR.Benchmarks;

/// <summary>
/// What <see cref="DemoBenchmark"/> measured. <see cref="TokensPerSecond"/>: the median over optimizer steps of real
/// training tokens per second. <see cref="WallSeconds"/>: the whole run (demo assets when missing, tokenization,
/// model load, training with validation, test evaluation). <see cref="Ratio"/>: tokens per second per GFLOP/s of
/// this process's f32 matmul, so machines and loads compare.
/// </summary>
public sealed record DemoBenchResult(double TokensPerSecond, int Steps, double WallSeconds, double TestAuroc, double MatmulGflops,
    bool AssetsCreated)
{
    public double Ratio => TokensPerSecond / MatmulGflops;

    public BenchSummary ToSummary() => new BenchSummary("demo")
        .Add("tok_s", TokensPerSecond, 1)
        .Add("wall_s", WallSeconds, 1)
        .Add("test_auroc", TestAuroc, 4)
        .Add("matmul_gflops", MatmulGflops, 2)
        .Add("ratio", Ratio, 2)
        .Add("steps", Steps)
        .Add("assets", AssetsCreated ? "created" : "reused");
}
