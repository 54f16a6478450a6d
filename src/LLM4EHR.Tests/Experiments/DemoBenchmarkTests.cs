using LLM4EHR.Benchmarks;

namespace LLM4EHR.Tests.Experiments;

/// <summary><c>bench demo</c> runs the real experiment path: same config, same test metrics as <c>train</c>.</summary>
[Collection(ExperimentCollection.Name)]
public sealed class DemoBenchmarkTests(ExperimentSandbox sandbox)
{
    [Fact]
    public void The_demo_bench_trains_the_config_and_reports_the_summary_keys()
    {
        string config = Path.Combine(sandbox.Root, "bench.yaml");
        File.WriteAllText(config, sandbox.Yaml);
        double expectedAuroc = sandbox.Baseline.Test!["auroc"]!.Value;

        var result = DemoBenchmark.Run(new DemoBenchOptions { ConfigPath = config, BootstrapResamples = 0, MatmulSize = 64 });

        Assert.Equal(30, result.Steps);
        Assert.False(result.AssetsCreated);
        // Seeded and deterministic on CPU: the bench's run is the baseline run, in another folder.
        Assert.Equal(expectedAuroc, result.TestAuroc);
        Assert.True(result.TokensPerSecond > 0 && result.WallSeconds > 0 && result.Ratio > 0);
        string line = result.ToSummary().ToString();
        Assert.StartsWith("bench demo: tok_s=", line);
        foreach (var key in new[] { " wall_s=", " test_auroc=", " matmul_gflops=", " ratio=" })
            Assert.Contains(key, line);
    }
}
