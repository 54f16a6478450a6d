using System.Globalization;
using LLM4EHR.Config;
using LLM4EHR.Tests.Support;
using LLM4EHR.Experiments;
using LLM4EHR.Models;
using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Lora;
using LLM4EHR.Models.Memory;
using LLM4EHR.Models.Quantization;
using LLM4EHR.Runtime;
using LLM4EHR.Tests.Data;
using static TorchSharp.torch;

namespace LLM4EHR.Tests.Models;

/// <summary>
/// The memory plan against what the CPU can measure of the same quantities: tensor bytes of a built model (exact),
/// and one training step's activations (RSS, in a process of its own) at the bench model's width and depth.
/// </summary>
public class MemoryPlanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plan-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The bench model (shared/BENCHMARKS.md).
    private static readonly LlamaConfig Bench =
        new TinyLlamaOptions { Hidden = 256, Layers = 4, Heads = 8, KvHeads = 2, Intermediate = 704, VocabSize = 32000 }.ToConfig();

    [Theory]
    [InlineData(WeightFormat.Nf4DoubleQuant)]
    [InlineData(WeightFormat.Nf4)]
    [InlineData(WeightFormat.Full)]
    public void Planned_weight_and_adapter_bytes_match_the_tensors_of_a_built_model(WeightFormat format)
    {
        LinearFactory? nf4 = null;
        if (format != WeightFormat.Full)
        {
            var quantize = Nf4LinearFactory.Create(new Nf4Options { DoubleQuant = format == WeightFormat.Nf4DoubleQuant });
            nf4 = (name, weight, bias) => quantize(name, weight, bias);
        }
        using var model = LlamaRandomWeights.Create(Bench, ComputeDevice.Cpu, seed: 1, nf4);
        foreach (var p in model.parameters()) p.requires_grad = false;
        LoraInjector.Inject(model, new LLM4EHR.Models.Lora.LoraSettings { R = 8, Alpha = 32, Targets = ["q_proj", "v_proj"] });
        var built = ModelTensorBytes.Of(model);

        var request = new MemoryPlanRequest
        {
            Model = Bench, SequenceLength = 512, BatchSize = 2, Weights = format, Compute = ScalarType.Float32, Cuda = false,
            LoraRank = 8, Labels = 1,
        };
        var plan = MemoryPlan.For(request);
        long norms = (2L * Bench.NumHiddenLayers + 1) * Bench.HiddenSize * 4;
        Assert.Equal((long)Bench.VocabSize * Bench.HiddenSize * 4, built.Embeddings);
        // NF4 state within 15% (the storage layout of double quantization may still change); everything else exact.
        long planLinears = plan.WeightBytes - built.Embeddings - norms;
        long builtLinears = format == WeightFormat.Full ? built.Other - norms : built.Nf4;
        if (format != WeightFormat.Full)
            Assert.Equal(norms, built.Other);
        Assert.InRange(builtLinears / (double)planLinears, 0.85, 1.15);
        if (format == WeightFormat.Full)
            Assert.Equal(planLinears, builtLinears);
        // LoRA A [8, in] and B [out, 8] on q and v of 4 layers, f32; the head is not in the backbone.
        long head = Bench.HiddenSize + 1;
        Assert.Equal((MemoryPlan.TrainableParameters(request) - head) * 4, built.Trainable);
        Assert.Equal(4 * 8 * (256 + 256 + 256 + 64), built.Trainable / 4);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void One_step_s_activation_memory_on_the_CPU_is_within_15_percent_of_the_plan(bool checkpointing)
    {
        // The bench model's shape at 8 × 512 tokens: ~270 MB kept without checkpointing, a ~130 MB peak with it.
        string config = Path.Combine(_dir, "bench.yaml");
        File.WriteAllText(config, $$"""
            task: ihm
            data: { root: {{_dir}}/data }
            model:
              path: {{_dir}}/no-model
              tiny: { hidden: 256, layers: 4, heads: 8, kv_heads: 2, intermediate: 704, vocab: 32000 }
              gradient_checkpointing: {{(checkpointing ? "true" : "false")}}
            lora: { r: 8, alpha: 32, dropout: 0.05, targets: [q_proj, v_proj] }
            text: { max_tokens: 512 }
            training: { batch_size: 8 }
            """);

        var (code, stdout, stderr) = CliProcess.Run("plan", "--config", config, "--measure");

        Assert.True(code == 0, stderr);
        string line = stdout.Split('\n').Single(l => l.StartsWith("plan measured: ", StringComparison.Ordinal));
        var m = line["plan measured: ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('='))
            .Where(kv => kv[0] != "peak").ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        Assert.Equal(m["plan_weights_mb"], m["weights_mb"], 3);
        Assert.Equal(m["plan_trainable_mb"], m["trainable_mb"], 3);
        Assert.InRange(m["peak_mb"] / m["plan_peak_mb"], 0.85, 1.15);
        Assert.True(m["plan_peak_mb"] > 100, line);
        if (!checkpointing) // with checkpointing the forward keeps only ~20 MB: too little for RSS to judge within 15%
            Assert.InRange(m["saved_mb"] / m["plan_saved_mb"], 0.85, 1.15);
        Assert.False(Directory.Exists(Path.Combine(_dir, "no-model")), "planning must not write the tiny model");
    }

    [Fact]
    public void Advice_turns_the_knobs_in_order_and_each_suggestion_fits()
    {
        var request = new MemoryPlanRequest
        {
            Model = Bench, SequenceLength = 4096, BatchSize = 8, GradAccum = 2, Compute = ScalarType.BFloat16, Cuda = false,
            GradientCheckpointing = false,
        };
        long peak = MemoryPlan.For(request).PeakBytes;
        var withCkpt = MemoryPlan.For(request with { GradientCheckpointing = true }).PeakBytes;
        Assert.True(withCkpt < peak / 2, $"checkpointing {withCkpt} vs {peak}");

        var roomy = MemoryAdvice.For(request, peak);
        Assert.True(roomy.Fits);
        var ckpt = MemoryAdvice.For(request, (peak + withCkpt) / 2);
        Assert.Equal("model.gradient_checkpointing=true", ckpt.Setting);
        var smallerBatch = MemoryAdvice.For(request, withCkpt - 1);
        Assert.False(smallerBatch.Fits);
        Assert.StartsWith("training.batch_size=", smallerBatch.Setting);
        Assert.Contains("same 16 stays per step", smallerBatch.Message);
        long single = MemoryPlan.For(request with { GradientCheckpointing = true, BatchSize = 1 }).PeakBytes;
        var shorter = MemoryAdvice.For(request, single - 1);
        Assert.StartsWith("text.max_tokens=", shorter.Setting);
        foreach (var advice in new[] { ckpt, smallerBatch, shorter })
            Assert.True(advice.Plan.Fits(advice.DeviceBytes), advice.Message);
        Assert.Null(MemoryAdvice.For(request, 1 << 20).Setting); // 1 MiB: not even the weights
    }

    [Fact]
    public void A_config_without_weights_plans_its_tiny_shape_or_a_preset_and_otherwise_asks_for_one()
    {
        var demo = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", "demo-ihm.yaml"), [$"model.path={_dir}/none"]);
        Assert.Equal(64, ExperimentMemoryPlan.ModelShape(demo, preset: null).Shape.HiddenSize);
        var ihm = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", "ihm.yaml"), [$"model.path={_dir}/none"]);
        Assert.Equal(4096, ExperimentMemoryPlan.ModelShape(ihm, LlamaPresets.Llama3_8B).Shape.HiddenSize);
        var ex = Assert.Throws<BadInputException>(() => ExperimentMemoryPlan.ModelShape(ihm, preset: null));
        Assert.StartsWith($"{_dir}/none: model.path: no config.json", ex.Message);
        Assert.Contains("--preset llama3-8b", ex.Message);
        var request = ExperimentMemoryPlan.Request(ihm, Bench, cuda: true);
        Assert.Equal((8000, 4, 1, WeightFormat.Nf4DoubleQuant, ScalarType.BFloat16, 8, true),
            (request.SequenceLength, request.BatchSize, request.GradAccum, request.Weights, request.Compute, request.LoraRank!.Value, request.GradientCheckpointing));
    }

    [Fact]
    public void An_encoder_config_is_refused_with_the_bench_that_measures_it_not_planned_as_a_llama()
    {
        foreach (var (file, family) in new[] { ("demo-ihm-longformer.yaml", "longformer"), ("demo-ihm-bigbird.yaml", "bigbird"), ("demo-ihm-belt.yaml", "bert") })
        {
            var config = ExperimentConfigLoader.Load(Path.Combine(RepoRoot.Path, "config", file), [$"model.path={_dir}/none"]);
            var ex = Assert.Throws<BadInputException>(() => ExperimentMemoryPlan.ModelShape(config, preset: null));
            Assert.StartsWith("model.type: the memory plan models the Llama's training step, not a", ex.Message);
            int seq = family == "bert" ? (config.Model.Belt ?? BeltSettings.Upstream).ChunkSize + 2 : config.Text.MaxTokens;
            Assert.Contains($"bench encoder --model {family} --seq {seq}", ex.Message);
        }
    }
}
