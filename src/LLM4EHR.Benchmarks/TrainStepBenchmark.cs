using LLM4EHR.Models.Llama;
using LLM4EHR.Models.Lora;
using LLM4EHR.Runtime;
using LLM4EHR.Text;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LLM4EHR.Benchmarks;

/// <summary>
/// <c>bench train-step</c>: one training step of the bench model (src/LLM4EHR.Benchmarks/README.md): frozen Llama base with
/// LoRA on q_proj/v_proj, masked-mean pooled linear head, BCE, one AdamW step; the median of several timed steps after warm-ups,
/// with FLOPs counted by the shared convention and divided by this process's matmul rate at the same dtype (mfu) and by
/// the CPU's theoretical peak (mfu_peak, <see cref="CpuPeak"/>).
/// </summary>
public static class TrainStepBenchmark
{
    public static TrainStepResult Run(TrainStepOptions o, IProgress<string>? progress = null)
    {
        if (o.PyTorchAnchor && (o.Baseline is not null || o.Nf4 || o.GradientCheckpointing))
            throw new BadInputException("--anchor pytorch mirrors the plain bench step: it does not combine with --baseline, --nf4 or --checkpointing");
        return BenchTimer.WithThreads(o.Threads, () => Measure(o, progress));
    }

    private static TrainStepResult Measure(TrainStepOptions o, IProgress<string>? progress)
    {
        using var step = new BenchStep(o);
        var config = step.Config;
        progress?.Report($"model: {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, T {o.SequenceLength}, batch {o.BatchSize}, {o.Threads} threads, {o.Dtype}{(o.Nf4 ? ", NF4" : "")}");
        TimingStats timing;
        TimingStats? baseline = null;
        (PyTorchAnchorInfo, TimingStats)? pytorch = null;
        if (o.PyTorchAnchor && StartAnchor(step, progress) is { } anchor)
        {
            using (anchor) // the child ends here, before the matmul reference
            {
                var info = anchor.Info;
                progress?.Report($"interleaving its steps with PyTorch {info.Torch} ({info.Dtype}, {info.Blas}, {info.Attention} attention, {info.Threads} threads)");
                (timing, var p) = BenchTimer.MeasureInterleaved(() => BenchTimer.Time(step.Run), anchor.Step, o.Warmups, o.Runs);
                pytorch = (info, p);
            }
        }
        else if (o.Baseline is { } baselineDtype)
        {
            using var other = new BenchStep(o with { Dtype = baselineDtype });
            progress?.Report($"interleaving its steps with the same model in {baselineDtype}");
            (timing, var b) = BenchTimer.MeasureInterleaved(step.Run, other.Run, o.Warmups, o.Runs);
            baseline = b;
        }
        else
        {
            timing = BenchTimer.Measure(step.Run, o.Warmups, o.Runs);
        }
        progress?.Report($"measuring the {o.Dtype} {o.MatmulSize}^3 matmul reference");
        double matmul = MatmulReference.MeasureGflops(o.MatmulSize, dtype: o.Dtype);
        return new TrainStepResult(timing, step.Tokens, FlopsPerStep(config, o.BatchSize, o.SequenceLength), matmul, o.Dtype, CpuPeak.For(o.Dtype, o.Threads))
        {
            Baseline = baseline is { } bt ? (o.Baseline!.Value, bt) : null,
            PyTorch = pytorch,
            MklPath = MklPathName(),
        };
    }

    // Our side's kernels: whether libtorch's MKL takes its optimized path in this process (Apply runs once per process).
    private static string MklPathName()
    {
        MklIntelPath.Apply();
        return MklIntelPath.Optimized ? "optimized" : "generic";
    }

    /// <summary>
    /// The PyTorch anchor for this bench model, or null (progress says why) without python3 + torch. Throws when its
    /// model is not ours: a different parameter count would compare different FLOPs.
    /// </summary>
    private static PyTorchAnchor? StartAnchor(BenchStep step, IProgress<string>? progress)
    {
        progress?.Report("starting the PyTorch anchor (anchors/train_step_pytorch.py)");
        var anchor = PyTorchAnchor.Start(step.Options, progress);
        if (anchor is null)
            return null;
        long ours = step.Model.parameters().Sum(p => p.numel()) + step.Head.parameters().Sum(p => p.numel());
        long oursTrainable = step.Adapters.Sum(a => a.Parameter.numel()) + step.Head.parameters().Sum(p => p.numel());
        progress?.Report($"parameters: ours {ours} ({oursTrainable} trainable), PyTorch {anchor.Info.Params} ({anchor.Info.Trainable} trainable)");
        if (anchor.Info.Params != ours || anchor.Info.Trainable != oursTrainable)
        {
            anchor.Dispose();
            throw new InvalidOperationException($"PyTorch anchor's model has {anchor.Info.Params} parameters ({anchor.Info.Trainable} trainable), ours {ours} ({oursTrainable}): not the same model");
        }
        return anchor;
    }

    /// <summary>
    /// The one place adapters go: the base frozen, then LoRA r 8 / alpha 32 (dropout 0.05) on q_proj and v_proj
    /// swapped in through <see cref="Models.ILinearHost"/>; returns the adapter parameters for the optimizer.
    /// </summary>
    internal static IReadOnlyList<(string Name, Parameter Parameter)> AttachAdapters(LlamaModel model, long seed)
    {
        foreach (var p in model.parameters())
            p.requires_grad = false;
        var adapters = LoraInjector.Inject(model, new LoraSettings { R = 8, Alpha = 32, Targets = ["q_proj", "v_proj"], Seed = seed });
        return adapters.NamedParameters();
    }

    /// <summary>
    /// Benchmarks/README.md: per token and layer, linear forward FLOPs 2·(H·A·D + 2·H·G·D + A·D·H + 3·H·I) count
    /// twice (forward + input gradients of a frozen base) and the attention core 2·2·T·A·D three times.
    /// </summary>
    public static double FlopsPerStep(LlamaConfig c, int batch, int t)
    {
        double h = c.HiddenSize, ad = (double)c.NumAttentionHeads * c.HeadDim, kd = (double)c.NumKeyValueHeads * c.HeadDim;
        double linear = 2 * (h * ad + 2 * h * kd + ad * h + 3 * h * c.IntermediateSize);
        double attention = 2.0 * 2 * t * ad;
        return (double)batch * t * c.NumHiddenLayers * (2 * linear + 3 * attention);
    }
}

/// <summary>What <see cref="TrainStepBenchmark"/> measured.</summary>
public sealed record TrainStepResult(TimingStats Step, long TokensPerStep, double FlopsPerStep, double MatmulGflops,
    TorchSharp.torch.ScalarType Dtype, CpuPeak Peak)
{
    public double TokensPerSecond => TokensPerStep / (Step.MedianMs / 1000.0);
    public double Gflops => FlopsPerStep / (Step.MedianMs / 1000.0) / 1e9;
    public double Mfu => Gflops / MatmulGflops;
    public double MfuPeak => Gflops / Peak.Gflops;

    /// <summary>The same step in another dtype, timed in alternation with this one (<c>--baseline</c>), or null.</summary>
    public (TorchSharp.torch.ScalarType Dtype, TimingStats Step)? Baseline { get; init; }
    /// <summary>Baseline median ÷ this median: how many times faster this dtype is, measured in the same process.</summary>
    public double? Speedup => Baseline is { } b ? b.Step.MedianMs / Step.MedianMs : null;

    /// <summary>The same step in PyTorch (<c>--anchor pytorch</c>), timed in alternation with ours, or null.</summary>
    public (PyTorchAnchorInfo Info, TimingStats Step)? PyTorch { get; init; }
    /// <summary>Our median ÷ PyTorch's: below 1 we are faster (the goal of issue #13 is ≤ 0.5 in f32).</summary>
    public double? PyTorchRatio => PyTorch is { } p ? Step.MedianMs / p.Step.MedianMs : null;
    /// <summary>Whether our libtorch's MKL took its optimized path (<see cref="MklIntelPath"/>): our side's kernels.</summary>
    public string? MklPath { get; init; }

    public BenchSummary ToSummary()
    {
        var s = new BenchSummary("train-step")
            .Add("tok_s", TokensPerSecond, 1)
            .Add("gflops", Gflops, 2)
            .Add("matmul_gflops", MatmulGflops, 2)
            .Add("mfu", Mfu, 3)
            .AddPeak(Dtype, Peak, MfuPeak)
            .Add("step_ms", Step.MedianMs, 1)
            .Add("min_ms", Step.MinMs, 1)
            .Add("max_ms", Step.MaxMs, 1);
        if (Baseline is { } b)
            s.Add("baseline_dtype", BenchSummaryPeak.DtypeName(b.Dtype))
                .Add("baseline_tok_s", TokensPerStep / (b.Step.MedianMs / 1000.0), 1)
                .Add("baseline_step_ms", b.Step.MedianMs, 1)
                .Add("speedup", Speedup!.Value, 3)
                .Add("speedup_min", b.Step.MinMs / Step.MinMs, 3);
        if (PyTorch is { } p)
            s.Add("mkl_path", MklPath ?? "unknown")
                .Add("pytorch_step_ms", p.Step.MedianMs, 1)
                .Add("pytorch_min_ms", p.Step.MinMs, 1)
                .Add("pytorch_max_ms", p.Step.MaxMs, 1)
                .Add("pytorch_tok_s", TokensPerStep / (p.Step.MedianMs / 1000.0), 1)
                .Add("pytorch_mfu_peak", FlopsPerStep / (p.Step.MedianMs / 1000.0) / 1e9 / Peak.Gflops, 3)
                .Add("pytorch_ratio", PyTorchRatio!.Value, 3)
                .Add("pytorch_ratio_min", Step.MinMs / p.Step.MinMs, 3)
                .Add("pytorch_version", p.Info.Torch)
                .Add("pytorch_dtype", p.Info.Dtype)
                .Add("pytorch_blas", p.Info.Blas)
                .Add("pytorch_attention", p.Info.Attention);
        return s;
    }
}

/// <summary>The bench model and step of <c>llm4ehr bench train-step</c> (defaults: Benchmarks/README.md).</summary>
public sealed record TrainStepOptions
{
    public int Hidden { get; init; } = 256;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 8;
    public int KvHeads { get; init; } = 2;
    public int Intermediate { get; init; } = 704;
    public int Vocab { get; init; } = 32000;
    public int SequenceLength { get; init; } = 512;
    public int BatchSize { get; init; } = 2;
    public int Threads { get; init; } = 2;
    public int Warmups { get; init; } = 2;
    public int Runs { get; init; } = 8;
    public bool GradientCheckpointing { get; init; }
    /// <summary>Time the same step in this dtype too, in alternation, and report the speedup against it (null: no baseline).</summary>
    public TorchSharp.torch.ScalarType? Baseline { get; init; }
    /// <summary>Quantize the base's decoder linears to NF4 (double quant) before the adapters go on (QLoRA).</summary>
    public bool Nf4 { get; init; }
    /// <summary>Also time the same step in PyTorch (<see cref="Benchmarks.PyTorchAnchor"/>), in alternation with ours.</summary>
    public bool PyTorchAnchor { get; init; }
    /// <summary>Compute dtype of the frozen base (Float32 or BFloat16); adapters, head, loss and optimizer stay f32.</summary>
    public TorchSharp.torch.ScalarType Dtype { get; init; } = TorchSharp.torch.ScalarType.Float32;
    public long Seed { get; init; } = 1;
    /// <summary>Size of the matmul yardstick, at <see cref="Dtype"/> (2048 per BENCHMARKS.md; smaller only for smoke tests).</summary>
    public int MatmulSize { get; init; } = 2048;
}
