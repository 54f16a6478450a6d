using LLM4EHR.Benchmarks;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>The profile's structure (parts present, non-negative, summing near the whole), never its timings.</summary>
public class ProfileBenchmarkTests
{
    private static TrainStepOptions Small(ScalarType dtype = ScalarType.Float32, bool nf4 = false) => new()
    {
        Hidden = 64, Layers = 2, Heads = 4, KvHeads = 2, Intermediate = 128, Vocab = 100, SequenceLength = 32, BatchSize = 2,
        Warmups = 1, Runs = 3, Threads = 1, Dtype = dtype, Nf4 = nf4,
    };

    [Fact]
    public void The_step_splits_into_every_part_with_counts_of_the_bench_model()
    {
        var r = ProfileBenchmark.Run(Small());

        Assert.All(r.Items, i => Assert.True(i.ForwardMs >= 0 && i.BackwardMs >= 0, $"{i.Name}: negative time"));
        Assert.True(r.StepMs > 0 && r.ForwardMs > 0 && r.BackwardMs > 0 && r.OptimizerMs >= 0);
        // Every part but NF4 dequantization is there in a plain f32 step.
        foreach (var group in Enum.GetValues<ProfileGroup>().Where(g => g != ProfileGroup.Dequant))
            Assert.Contains(r.Items, i => i.Group == group && i.TotalMs > 0);
        Assert.DoesNotContain(r.Items, i => i.Group == ProfileGroup.Dequant);
        // Two layers: two norms each plus the final one; layer 0's q/k/v projections need no input gradient.
        Assert.Equal((5, 4), Counts(r, "rms norm"));
        Assert.Equal((2, 1), Counts(r, "q_proj"));
        Assert.Equal((2, 2), Counts(r, "o_proj"));
        Assert.Equal((2, 2), Counts(r, "lora q_proj"));
        Assert.Equal((2, 2), Counts(r, "lora v_proj"));
        Assert.DoesNotContain(r.Items, i => i.Name == "lora k_proj");
        // Parts timed alone cover the measured step within a sane factor: a timing, so only loosely. At these toy shapes
        // each op is microseconds and the step's own dispatch (scopes, hooks, the Debug build's managed code) dominates;
        // at the bench shapes coverage reads 0.7–1.0.
        Assert.InRange(r.Coverage, 0.02, 20.0);
        Assert.Equal(r.Items.OrderByDescending(i => i.TotalMs).First(), r.Top.First());
    }

    [Fact]
    public void Nf4_adds_the_dequantization_of_each_projection_once_per_forward_and_backward()
    {
        var r = ProfileBenchmark.Run(Small(nf4: true));

        var dequant = r.Items.Where(i => i.Group == ProfileGroup.Dequant).ToList();
        Assert.Equal(7, dequant.Count);
        Assert.Equal((2 + 1, 0), Counts(r, "nf4 dequant q_proj"));   // forward in both layers, backward in layer 1
        Assert.Equal((2 + 2, 0), Counts(r, "nf4 dequant down_proj"));
        Assert.True(r.GroupMs(ProfileGroup.Dequant) > 0);
    }

    [Fact]
    public void A_bf16_step_times_its_attention_casts_and_the_summary_has_every_key()
    {
        var r = ProfileBenchmark.Run(Small(ScalarType.BFloat16));

        Assert.Contains(r.Items, i => i.Name == "attention casts");
        string line = r.ToSummary().ToString();
        Assert.StartsWith("bench profile: dtype=bf16 nf4=0 step_ms=", line);
        foreach (var key in new[] { "forward_ms", "backward_ms", "attention_ms", "qkvo_ms", "mlp_ms", "norm_rope_ms", "lora_ms",
                     "dequant_ms", "pointwise_ms", "embed_ms", "head_loss_ms", "optimizer_ms", "parts_ms", "coverage" })
            Assert.Contains($" {key}=", line);
    }

    private static (int Forward, int Backward) Counts(ProfileResult r, string name)
    {
        var item = Assert.Single(r.Items, i => i.Name == name);
        return (item.ForwardCount, item.BackwardCount);
    }
}
