using System.Text.Json;
using LLM4EHR.Experiments;
using LLM4EHR.Runtime;

namespace LLM4EHR.Tests.Experiments;

/// <summary>
/// A CPU run in bf16 (frozen base bf16; adapters, head, pooling, loss and AdamW in f32 — the CUDA path) tracks the same
/// run in f32: the per-step loss curve and the test metrics. Needs a CPU with native bf16: emulated bf16 is ~150× slower.
/// </summary>
[Collection(ExperimentCollection.Name)]
public sealed class Bf16CpuTrainingTests(ExperimentSandbox sandbox)
{
    [SkippableFact]
    public void Bf16_run_tracks_the_f32_run_in_loss_and_test_metrics()
    {
        Skip.IfNot(CpuInfo.Current.HasBf16, $"this CPU lacks avx512_bf16/amx_bf16 (flags: {string.Join(' ', CpuInfo.Current.PresentRelevantFlags)})");
        var f32 = sandbox.Baseline;                                       // the small config says dtype: float32
        string run = sandbox.RunDir("bf16");
        var bf16 = sandbox.Runner(sandbox.Config("model.dtype=bfloat16", $"output.run_dir={run}")).Train();

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))))
        {
            var env = json.RootElement.GetProperty("environment");
            Assert.Equal("BFloat16", env.GetProperty("dtype").GetString());
            Assert.Equal("model.dtype: bfloat16", env.GetProperty("dtype_reason").GetString());
        }

        // bf16 keeps 8 mantissa bits, but the trained weights and the loss are f32: measured here the 30 step losses
        // differ by at most 0.0005; 0.02 leaves room for other CPUs' kernels without hiding a wrong dtype path.
        double[] a = Losses(f32.RunDir), b = Losses(run);
        Assert.Equal(a.Length, b.Length);
        double worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst < 0.02, $"largest per-step loss difference {worst:F4}");
        foreach (var key in new[] { "auroc", "auprc" })
            Assert.True(Math.Abs(f32.Test![key]!.Value - bf16.Test![key]!.Value) < 0.05,
                $"test {key}: f32 {f32.Test[key]:F4} vs bf16 {bf16.Test[key]:F4}");
    }

    private static double[] Losses(string runDir) =>
        ExperimentSandbox.LogRecords(runDir, "step").Select(s => s.GetProperty("loss").GetDouble()).ToArray();
}
