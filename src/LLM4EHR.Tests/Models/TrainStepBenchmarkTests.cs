using LLM4EHR.Benchmarks;
using LLM4EHR.Models.Llama;
using LLM4EHR.Runtime;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

public class TrainStepBenchmarkTests
{
    [Fact]
    public void Flops_follow_the_shared_convention_for_the_bench_model()
    {
        var config = new TinyLlamaOptions { Hidden = 256, Layers = 4, Heads = 8, KvHeads = 2, Intermediate = 704, VocabSize = 32000 }.ToConfig();
        // Per token and layer: linear 2·(256·256 + 2·256·64 + 256·256 + 3·256·704) = 1,409,024, counted twice;
        // attention core 2·2·512·256 = 524,288, counted three times.
        double perTokenLayer = 2 * 1_409_024.0 + 3 * 524_288.0;
        Assert.Equal(perTokenLayer * 4 * 2 * 512, TrainStepBenchmark.FlopsPerStep(config, batch: 2, t: 512));
    }

    [Fact]
    public void A_small_step_runs_and_reports_the_summary_keys()
    {
        var result = TrainStepBenchmark.Run(new TrainStepOptions
        {
            Hidden = 32, Layers = 1, Heads = 4, KvHeads = 2, Intermediate = 64, Vocab = 100, SequenceLength = 16,
            Warmups = 0, Runs = 1, MatmulSize = 64, Threads = 1,
        });
        Assert.Equal(32, result.TokensPerStep);
        string line = result.ToSummary().ToString();
        Assert.StartsWith("bench train-step: tok_s=", line);
        foreach (var key in new[] { "gflops=", "matmul_gflops=", "mfu=" })
            Assert.Contains(key, line);
        Assert.True(result.Mfu > 0);
    }

    [Fact]
    public void A_baseline_dtype_is_timed_in_the_same_process_and_reported_as_a_speedup()
    {
        var result = TrainStepBenchmark.Run(new TrainStepOptions
        {
            Hidden = 32, Layers = 1, Heads = 4, KvHeads = 2, Intermediate = 64, Vocab = 100, SequenceLength = 16,
            Warmups = 0, Runs = 2, MatmulSize = 64, Threads = 1, Dtype = ScalarType.BFloat16, Baseline = ScalarType.Float32, Nf4 = true,
        });
        Assert.Equal(ScalarType.Float32, result.Baseline!.Value.Dtype);
        Assert.Equal(2, result.Baseline.Value.Step.Runs);
        Assert.Equal(result.Baseline.Value.Step.MedianMs / result.Step.MedianMs, result.Speedup!.Value, 9);
        string line = result.ToSummary().ToString();
        foreach (var key in new[] { " dtype=bf16", " baseline_dtype=f32", " baseline_tok_s=", " speedup=", " speedup_min=" })
            Assert.Contains(key, line);
    }

    [Fact]
    public void Adapters_go_on_q_and_v_of_every_layer_and_the_gradient_reaches_the_first_layer()
    {
        var config = new TinyLlamaOptions { Hidden = 32, Layers = 3, Heads = 4, KvHeads = 2, Intermediate = 64, VocabSize = 100 }.ToConfig();
        using var model = LlamaRandomWeights.Create(config, ComputeDevice.Cpu, seed: 1);
        using var scope = NewDisposeScope();

        var adapters = TrainStepBenchmark.AttachAdapters(model, seed: 1);

        var expected = from layer in Enumerable.Range(0, 3)
                       from proj in new[] { "q_proj", "v_proj" }
                       from matrix in new[] { "A", "B" }
                       select $"lora.model.layers.{layer}.self_attn.{proj}.lora_{matrix}.weight";
        Assert.Equal(expected, adapters.Select(a => a.Name));
        // The base is frozen: the adapters are the model's only trainable tensors.
        Assert.Equal(adapters.Count, model.parameters().Count(p => p.requires_grad));

        model.train();
        var ids = randint(0, config.VocabSize, [2, 16]);
        model.ForwardEmbeddings(model.Embed(ids)).square().mean().backward();
        // B starts at zero, so A gets no gradient yet; every B gets one, layer 0's only if backward went through all layers.
        Assert.All(adapters.Where(a => a.Name.EndsWith("lora_B.weight")),
            a => Assert.True(a.Parameter.grad is { } g && g.abs().sum().item<float>() > 0, $"{a.Name}: no gradient"));
    }
}
